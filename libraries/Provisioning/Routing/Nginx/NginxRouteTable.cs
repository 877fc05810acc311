using System.Text;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.Provisioning.Routing.Nginx;

/// <summary>
/// The edge's map lines, kept in a fixed number of bucket files (routes/bucket-NN.map): a tenant's lines live in the
/// bucket its id hashes to. nginx reads every route file on each reload, and opening ten thousand small files cost it
/// three times what the map itself does; 64 files of ~150 tenants each cost it almost nothing more at 10,000 tenants.
/// A bucket is rewritten whole (temporary file, then rename), under a lock file that every writer on the machine takes,
/// so two workers changing tenants of one bucket cannot lose each other's lines.
/// </summary>
public static class NginxRouteTable
{
    public const int BucketCount = 64;
    public const string BucketPattern = "bucket-*.map";

    public static string BucketOf(string tenantId)
    {
        // FNV-1a: stable across processes and releases (string.GetHashCode is not).
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(TenantIds.Require(tenantId)))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return $"bucket-{hash % BucketCount:x2}.map";
    }

    /// <summary>The tenant a map line routes to ("HOST \"TENANT STATE API WEB\";"), or null for anything else.</summary>
    public static string? TenantOf(string line)
    {
        var quote = line.IndexOf('"');
        if (quote < 0 || line.StartsWith('#'))
        {
            return null;
        }
        var end = line.IndexOf(' ', quote + 1);
        return end > quote ? line[(quote + 1)..end] : null;
    }

    public static string HostOf(string line) => line.Split(' ', 2)[0];

    public static IReadOnlyList<string> LinesOf(string bucket, string tenantId) =>
        bucket.Split('\n').Where(l => TenantOf(l) == tenantId).ToList();

    /// <summary>The bucket with the tenant's lines replaced by <paramref name="lines"/> (none: removed); other tenants' lines keep their order.</summary>
    public static string Replace(string bucket, string tenantId, IEnumerable<string> lines)
    {
        var kept = bucket.Split('\n').Where(l => l.Length > 0 && TenantOf(l) is { } owner && owner != tenantId);
        var all = kept.Concat(lines).ToList();
        return all.Count == 0 ? "" : string.Join('\n', all) + "\n";
    }

    public static async Task<string> ReadAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : "";

    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(temporary, content, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Holds the bucket's lock file (an exclusive lock the operating system releases if the holder dies), waiting for
    /// another writer to finish for at most <paramref name="timeout"/>.
    /// </summary>
    public static async Task<IDisposable> LockAsync(string bucketPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var lockPath = Path.Combine(Path.GetDirectoryName(bucketPath)!, "." + Path.GetFileName(bucketPath) + ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(10, cancellationToken);
            }
        }
    }
}
