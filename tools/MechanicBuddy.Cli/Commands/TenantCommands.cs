using System.Text.Json;

namespace MechanicBuddy.Cli.Commands;

/// <summary>mb signup, tenants, show: sign a shop up and look at tenants.</summary>
public static class TenantCommands
{
    public static async Task<int> SignupAsync(CliArguments args, GatewayClient gateway)
    {
        var body = new
        {
            companyName = args.Option("company") ?? throw new UsageException("signup: --company NAME is required"),
            subscriptionTier = args.Option("tier") ?? "free",
            ownerEmail = args.Option("email") ?? throw new UsageException("signup: --email ADDRESS is required"),
            customDomain = args.Option("domain"),
        };
        // A signup that times out can be sent again with the same key: the Gateway answers with the same tenant.
        var key = args.Option("idempotency-key") ?? Guid.NewGuid().ToString();
        var answer = await gateway.SendAsync(HttpMethod.Post, "/api/provisioning/provision", body, headers: new() { ["Idempotency-Key"] = key });
        if (!answer.Ok)
        {
            Console.Error.WriteLine($"(to send this signup again safely: --idempotency-key {key})");
            return Output.Problem(answer);
        }
        var result = answer.Json!.Value;
        var tenantId = Output.Text(result, "tenantId")!;
        if (args.Json && !args.Flag("watch"))
        {
            Console.WriteLine(answer.Text);
            return ExitCodes.Ok;
        }
        if (!args.Json)
        {
            Console.WriteLine($"tenant {tenantId}: {Output.Text(result, "status")}; admin password (shown once): {Output.Text(result, "adminPassword") ?? "-"}");
        }
        return args.Flag("watch") ? await WatchCommand.RunAsync(tenantId, args, gateway) : ExitCodes.Ok;
    }

    public static async Task<int> ListAsync(CliArguments args, GatewayClient gateway)
    {
        var filters = args.QueryOf("status", "tier", "pool", "deploymentMode", "q");
        var limit = args.Option("limit") ?? "50";
        var tenants = new List<JsonElement>();
        var after = args.Option("after");
        do
        {
            var query = string.Join('&', filters.Append($"limit={limit}").Concat(after is null ? [] : [$"after={Uri.EscapeDataString(after)}"]));
            var answer = await gateway.GetAsync($"/api/tenants?{query}");
            if (!answer.Ok)
            {
                return Output.Problem(answer);
            }
            tenants.AddRange(answer.Json!.Value.EnumerateArray());
            after = answer.Response.Headers.TryGetValues("X-Next-Cursor", out var next) ? next.FirstOrDefault() : null;
        }
        while (args.Flag("all") && after is not null);
        if (args.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(tenants));
            return ExitCodes.Ok;
        }
        Output.Table(["ID", "COMPANY", "TIER", "STATUS", "WHERE", "REQUESTED"], tenants.Select(t => (IReadOnlyList<string?>)
        [
            Output.Text(t, "id"), Output.Text(t, "companyName"), Output.Text(t, "subscriptionTier"), Output.Text(t, "status"),
            Output.Text(t, "pool") ?? Output.Text(t, "platform") ?? Output.Text(t, "deploymentMode"), Output.Time(t, "requestedAt"),
        ]));
        if (after is not null)
        {
            Console.WriteLine($"(more: --all, or --after {after})");
        }
        return ExitCodes.Ok;
    }

    public static async Task<int> ShowAsync(CliArguments args, GatewayClient gateway)
    {
        var tenantId = args.Required(0, "a tenant id");
        var tenant = await gateway.GetAsync($"/api/tenants/{Uri.EscapeDataString(tenantId)}");
        if (!tenant.Ok)
        {
            return Output.Problem(tenant);
        }
        var log = await gateway.GetAsync($"/api/tenants/{Uri.EscapeDataString(tenantId)}/log");
        if (args.Json)
        {
            Console.WriteLine($"{{\"tenant\":{tenant.Text},\"log\":{(log.Ok ? log.Text : "null")}}}");
            return ExitCodes.Ok;
        }
        var t = tenant.Json!.Value;
        foreach (var field in new[] { "id", "companyName", "subscriptionTier", "status", "deploymentMode", "platform", "pool", "namespace", "tenantUrl",
            "schemaVersion", "failedStep", "failureReason", "suspendReason", "tierChangeError" })
        {
            if (Output.Text(t, field) is { } value)
            {
                Console.WriteLine($"{field,-18} {value}");
            }
        }
        if (log.Ok)
        {
            Console.WriteLine();
            Output.Table(["WHEN", "STEP", "OUTCOME", "MESSAGE"], log.Json!.Value.EnumerateArray().Select(e => (IReadOnlyList<string?>)
                [Output.Time(e, "timestamp"), Output.Text(e, "step"), Output.Text(e, "outcome"), Output.Text(e, "message")]));
        }
        return Output.Text(t, "status") == "Failed" ? ExitCodes.Failed : ExitCodes.Ok;
    }
}
