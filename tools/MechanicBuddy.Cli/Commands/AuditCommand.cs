namespace MechanicBuddy.Cli.Commands;

/// <summary>mb audit: who did what through the Gateway, newest first.</summary>
public static class AuditCommand
{
    public static async Task<int> RunAsync(CliArguments args, GatewayClient gateway)
    {
        var filters = args.QueryOf("subject", "action", "tenantId", "outcome", "since", "until", "limit", "after");
        var answer = await gateway.GetAsync($"/api/audit?{string.Join('&', filters)}");
        if (!answer.Ok)
        {
            return Output.Problem(answer);
        }
        if (args.Json)
        {
            Console.WriteLine(answer.Text);
            return ExitCodes.Ok;
        }
        Output.Table(["WHEN", "WHO", "ROLE", "ACTION", "TENANT/TARGET", "STATUS", "OUTCOME", "REASON"], answer.Json!.Value.EnumerateArray().Select(r => (IReadOnlyList<string?>)
        [
            Output.Time(r, "recordedAt"), Output.Text(r, "subject"), Output.Text(r, "role"), Output.Text(r, "action"),
            Output.Text(r, "tenantId") ?? Output.Text(r, "target"), Output.Text(r, "status"), Output.Text(r, "outcome"), Output.Text(r, "reason"),
        ]));
        return ExitCodes.Ok;
    }
}
