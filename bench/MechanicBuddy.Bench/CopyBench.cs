using System.Diagnostics;
using System.Globalization;
using MechanicBuddy.TenantDatabase;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace MechanicBuddy.Bench;

/// <summary>
/// --mode=copy: the data move of a tier change (TenantDataCopy) between two databases of the benchmark's PostgreSQL:
/// a shop of about <c>rows</c> rows is copied and then verified (fingerprints of both sides), several rounds; prints
/// the time per 10,000 rows for the copy and for the verification.
/// </summary>
public static class CopyBench
{
    const string Schema = "shop_bench";

    public static async Task RunAsync(string server, int rows, int rounds)
    {
        var scale = (int)Math.Ceiling(rows / 7.42);
        var suffix = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        await using var source = await MigratedDatabaseAsync(server, $"bench_copy_src_{suffix}");
        await using var target = await MigratedDatabaseAsync(server, $"bench_copy_dst_{suffix}");
        await using (var fill = source.CreateCommand(ShopSampleData.InsertSql(scale)))
        {
            fill.CommandTimeout = 600;
            await fill.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"copy benchmark: {rounds} rounds, shop of scale {scale}");
        var copyTimes = new List<double>();
        var verifyTimes = new List<double>();
        long copied = 0;
        for (var round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            copied = await TenantDataCopy.CopyAsync(source, target, Schema, CancellationToken.None);
            copyTimes.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            var differences = TenantDataCopy.Differences(await TenantDataCopy.FingerprintAsync(source, Schema, CancellationToken.None),
                await TenantDataCopy.FingerprintAsync(target, Schema, CancellationToken.None));
            verifyTimes.Add(clock.Elapsed.TotalMilliseconds);
            if (differences.Count > 0)
            {
                throw new InvalidOperationException("copy differs: " + string.Join("; ", differences));
            }
        }
        double Per10K(double ms) => ms * 10_000 / copied;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rows per copy: {copied}; copy median {Median(copyTimes):0} ms ({Per10K(Median(copyTimes)):0} ms per 10,000 rows); " +
            $"verify (both sides) median {Median(verifyTimes):0} ms ({Per10K(Median(verifyTimes)):0} ms per 10,000 rows)"));
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    static async Task<NpgsqlDataSource> MigratedDatabaseAsync(string server, string name)
    {
        await using (var admin = new NpgsqlConnection(server + ";Database=mechanicbuddy_registry"))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name} OWNER mechanicbuddy", admin).ExecuteNonQueryAsync();
        }
        var database = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server + $";Database={name}") { SearchPath = Schema, CommandTimeout = 600 }.ConnectionString);
        await using (var schema = database.CreateCommand($"CREATE SCHEMA {Schema}"))
        {
            await schema.ExecuteNonQueryAsync();
        }
        new ShopSchemaMigrator(NullLogger<ShopSchemaMigrator>.Instance).Migrate(database, Schema);
        return database;
    }
}
