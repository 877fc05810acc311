namespace MechanicBuddy.Cli.Commands;

/// <summary>mb retry|suspend|resume|tier|delete ID: change a tenant, waiting (up to --wait seconds, default 60) for the end state.</summary>
public static class ActionCommands
{
    public static async Task<int> RunAsync(CliArguments args, GatewayClient gateway)
    {
        var tenantId = args.Required(0, "a tenant id");
        var path = $"/api/tenants/{Uri.EscapeDataString(tenantId)}";
        var (method, target, body) = args.Command switch
        {
            "retry" => (HttpMethod.Post, $"{path}/retry", (object?)null),
            "suspend" => (HttpMethod.Post, $"{path}/suspend", args.Option("reason") is { } reason ? new { reason } : null),
            "resume" => (HttpMethod.Post, $"{path}/resume", null),
            "tier" => (HttpMethod.Post, $"{path}/tier", new { newTier = args.Required(1, "the new tier (free, demo, professional, enterprise)") }),
            "delete" => (HttpMethod.Delete, path, null),
            _ => throw new UsageException($"unknown action {args.Command}"),
        };
        if (args.Command == "delete" && !args.Flag("yes") && !Confirm(tenantId))
        {
            Console.Error.WriteLine("not deleted");
            return ExitCodes.Refused;
        }
        var wait = args.Flag("no-wait") ? (int?)null : int.TryParse(args.Option("wait"), out var seconds) ? seconds : 60;
        var answer = await gateway.SendAsync(method, target, body, wait);
        if (!answer.Ok)
        {
            return Output.Problem(answer);
        }
        var status = answer.Json is { } json ? Output.Text(json, "status") : null;
        if (args.Json)
        {
            Console.WriteLine(answer.Text);
        }
        else
        {
            Console.WriteLine($"{tenantId}: {status ?? answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(answer.Status == 202 ? " (still running: mb watch " + tenantId + ")" : "")}");
        }
        return status == "Failed" ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>Deleting removes a shop's data: the operator types the tenant's id to go ahead.</summary>
    static bool Confirm(string tenantId)
    {
        if (Console.IsInputRedirected)
        {
            Console.Error.WriteLine($"delete: pass --yes to remove {tenantId} without a prompt");
            return false;
        }
        Console.Write($"This removes {tenantId} and all its data. Type the tenant id to confirm: ");
        return Console.ReadLine()?.Trim() == tenantId;
    }
}
