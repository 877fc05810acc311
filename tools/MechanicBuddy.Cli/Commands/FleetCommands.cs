using System.Text.Json;

namespace MechanicBuddy.Cli.Commands;

/// <summary>mb drift, pools, migrations: the fleet's health, the shared tier's pools and schema rollouts.</summary>
public static class FleetCommands
{
    public static async Task<int> DriftAsync(CliArguments args, GatewayClient gateway)
    {
        var path = args.Positional.Count > 0 ? $"/api/tenants/{Uri.EscapeDataString(args.Positional[0])}/drift" : $"/api/drift{(args.Flag("versions") ? "?versions=true" : "")}";
        var answer = await gateway.GetAsync(path);
        if (!answer.Ok)
        {
            return Output.Problem(answer);
        }
        var report = answer.Json!.Value;
        var clean = report.GetProperty("clean").GetBoolean();
        if (args.Json)
        {
            Console.WriteLine(answer.Text);
            return clean ? ExitCodes.Ok : ExitCodes.Failed;
        }
        Console.WriteLine($"{(clean ? "clean" : "DRIFT")}: {Output.Text(report, "tenantsChecked")} tenants checked at {Output.Time(report, "checkedAt")}");
        var findings = new[] { "missing", "orphaned", "versionMismatches" }
            .SelectMany(kind => report.TryGetProperty(kind, out var list) ? list.EnumerateArray().Select(f => (kind, f)) : [])
            .ToList();
        if (findings.Count > 0)
        {
            Output.Table(["FINDING", "TENANT", "STATUS", "KIND", "WHERE", "DETAIL"], findings.Select(x => (IReadOnlyList<string?>)
                [x.kind, Output.Text(x.f, "tenantId"), Output.Text(x.f, "status"), Output.Text(x.f, "kind"), Output.Text(x.f, "location"), Output.Text(x.f, "detail")]));
        }
        foreach (var worker in report.GetProperty("unreachable").EnumerateArray())
        {
            Console.WriteLine($"unreachable: {worker.GetString()} (the report is incomplete)");
        }
        return clean ? ExitCodes.Ok : ExitCodes.Failed;
    }

    public static async Task<int> PoolsAsync(CliArguments args, GatewayClient gateway)
    {
        if (args.Positional.Count > 0 && args.Positional[0] is "drain" or "undrain")
        {
            var name = args.Required(1, "a pool name");
            var changed = await gateway.SendAsync(HttpMethod.Post, $"/api/pools/{Uri.EscapeDataString(name)}/{args.Positional[0]}", null);
            if (!changed.Ok)
            {
                return Output.Problem(changed);
            }
            Console.WriteLine(args.Json ? changed.Text : $"{name}: {(changed.Json!.Value.GetProperty("draining").GetBoolean() ? "draining" : "taking tenants")}");
            return ExitCodes.Ok;
        }
        var answer = await gateway.GetAsync("/api/pools");
        if (!answer.Ok)
        {
            return Output.Problem(answer);
        }
        if (args.Json)
        {
            Console.WriteLine(answer.Text);
            return ExitCodes.Ok;
        }
        Output.Table(["POOL", "SERVER", "STATE", "TENANTS", "CAPACITY", "DRAINING"], answer.Json!.Value.GetProperty("pools").EnumerateArray().Select(p => (IReadOnlyList<string?>)
        [
            Output.Text(p, "name"), Output.Text(p, "server"), Output.Text(p, "state"), Output.Text(p, "tenants"), Output.Text(p, "capacity"),
            p.GetProperty("draining").GetBoolean() ? "yes" : "no",
        ]));
        return ExitCodes.Ok;
    }

    public static async Task<int> MigrationsAsync(CliArguments args, GatewayClient gateway)
    {
        var verb = args.Positional.Count > 0 ? args.Positional[0] : "list";
        GatewayAnswer answer = verb switch
        {
            "list" => await gateway.GetAsync("/api/fleet/migrations"),
            "show" => await gateway.GetAsync($"/api/fleet/migrations/{Uri.EscapeDataString(args.Required(1, "a rollout id"))}"),
            "start" => await gateway.SendAsync(HttpMethod.Post, "/api/fleet/migrations", new
            {
                targetVersion = int.TryParse(args.Option("to"), out var to) ? to : (int?)null,
                canaryCount = int.TryParse(args.Option("canaries"), out var canaries) ? canaries : (int?)null,
                batchSize = int.TryParse(args.Option("batch"), out var batch) ? batch : (int?)null,
                failureThreshold = int.TryParse(args.Option("failures"), out var failures) ? failures : (int?)null,
            }),
            "pause" or "resume" or "abort" => await gateway.SendAsync(HttpMethod.Post,
                $"/api/fleet/migrations/{Uri.EscapeDataString(args.Required(1, "a rollout id"))}/{verb}", null),
            _ => throw new UsageException("migrations: list | show ID | start [--to N] | pause ID | resume ID | abort ID"),
        };
        if (!answer.Ok)
        {
            return Output.Problem(answer);
        }
        if (args.Json)
        {
            Console.WriteLine(answer.Text);
            return ExitCodes.Ok;
        }
        var rollouts = answer.Json!.Value.ValueKind == JsonValueKind.Array ? answer.Json.Value.EnumerateArray().ToList() : [answer.Json.Value];
        Output.Table(["ID", "TARGET", "STATE", "MIGRATED", "FAILED", "PENDING", "CREATED"], rollouts.Select(r =>
        {
            var counts = r.GetProperty("counts");
            string Count(string state) => counts.TryGetProperty(state, out var n) ? n.ToString() : "0";
            return (IReadOnlyList<string?>)[Output.Text(r, "id"), Output.Text(r, "targetVersion"), Output.Text(r, "state"), Count("Migrated"), Count("Failed"),
                Count("Pending"), Output.Time(r, "createdAt")];
        }));
        // One rollout shown (show, start, pause…): exit 1 when it has stopped on failures. The list is history: 0.
        return verb != "list" && Output.Text(rollouts[0], "state") == "Stopped" ? ExitCodes.Failed : ExitCodes.Ok;
    }
}
