using System.Security.Cryptography;
using MechanicBuddy.Tenancy;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Provisioning.Secrets;

public sealed class SecretsOptions
{
    public const string Section = "Secrets";

    /// <summary>Directory of the local secret store, one folder per tenant, files readable by the service's user only.</summary>
    public string Directory { get; set; } = "var/secrets";
}

/// <summary>The single-host secret store: files with mode 0600. In Kubernetes the same interface maps onto Secrets.</summary>
public sealed class FileTenantSecretStore(IOptions<SecretsOptions> options) : ITenantSecretStore
{
    const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    const string DatabasePasswordFile = "database-password";

    string TenantDirectory(string tenantId) => Path.Combine(Path.GetFullPath(options.Value.Directory), TenantIds.Require(tenantId));

    public Task<string> GetOrCreateDatabasePasswordAsync(string tenantId, CancellationToken cancellationToken) =>
        GetOrCreateSecretAsync(tenantId, DatabasePasswordFile, cancellationToken);

    public async Task<string> GetOrCreateSecretAsync(string tenantId, string name, CancellationToken cancellationToken)
    {
        if (name.Length is 0 or > 64 || !name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
        {
            throw new ArgumentException($"'{name}' is not a secret name (lowercase letters, digits, '-')", nameof(name));
        }
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the file secret store relies on Unix file modes");
        }
        var directory = TenantDirectory(tenantId);
        var path = Path.Combine(directory, name);
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var password = RandomNumberGenerator.GetString(PasswordAlphabet, 32);
        var temporary = path + "." + Guid.NewGuid().ToString("N");
        await using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(password);
        }
        // A concurrent redelivery may have written first: keep whichever landed, so both runs agree.
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temporary);
            return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }
        return password;
    }

    public Task DeleteAsync(string tenantId, CancellationToken cancellationToken)
    {
        var directory = TenantDirectory(tenantId);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string tenantId, CancellationToken cancellationToken) =>
        Task.FromResult(Directory.Exists(TenantDirectory(tenantId)));

    public IReadOnlyList<string> ListTenants()
    {
        var root = Path.GetFullPath(options.Value.Directory);
        return Directory.Exists(root) ? Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>().Where(TenantIds.IsValid).ToList() : [];
    }

    public string Reference(string tenantId) => $"file-secret://{TenantIds.Require(tenantId)}/{DatabasePasswordFile}";
}
