using MechanicBuddy.Cli;
using MechanicBuddy.Cli.Commands;

const string Usage = """
    mb — the MechanicBuddy operator's command line (docs/cli.md)

      mb login --gateway URL --token TOKEN|-      check the token and save both
      mb signup --company NAME --email ADDRESS [--tier free] [--domain D] [--watch]
      mb tenants [--status S] [--tier T] [--pool P] [--q TEXT] [--limit N] [--all]
      mb show ID                                  a tenant and its provisioning log
      mb watch ID [--timeout SECONDS]             live steps until Active or Failed
      mb retry ID | suspend ID [--reason R] | resume ID | tier ID TIER | delete ID [--yes]
      mb drift [ID] [--versions]
      mb pools [drain NAME | undrain NAME]
      mb migrations [list | show ID | start [--to N] | pause ID | resume ID | abort ID]
      mb audit [--subject S] [--action A] [--tenantId ID] [--outcome accepted|refused] [--limit N]

    --json prints the Gateway's JSON. Exit codes: 0 ok, 1 the result is bad (Failed, drift), 2 usage,
    3 token refused or role not allowed, 4 not found, 5 refused (invalid or wrong state), 6 unavailable.
    """;

var args0 = CliArguments.Parse(args);
try
{
    if (args0.Command is "help" or "--help" || args0.Flag("help"))
    {
        Console.WriteLine(Usage);
        return ExitCodes.Ok;
    }
    if (args0.Command == "login")
    {
        return await LoginCommand.RunAsync(args0);
    }
    using var gateway = new GatewayClient(CliSettings.Load());
    return args0.Command switch
    {
        "signup" => await TenantCommands.SignupAsync(args0, gateway),
        "tenants" => await TenantCommands.ListAsync(args0, gateway),
        "show" => await TenantCommands.ShowAsync(args0, gateway),
        "watch" => await WatchCommand.RunAsync(args0.Required(0, "a tenant id"), args0, gateway),
        "retry" or "suspend" or "resume" or "tier" or "delete" => await ActionCommands.RunAsync(args0, gateway),
        "drift" => await FleetCommands.DriftAsync(args0, gateway),
        "pools" => await FleetCommands.PoolsAsync(args0, gateway),
        "migrations" => await FleetCommands.MigrationsAsync(args0, gateway),
        "audit" => await AuditCommand.RunAsync(args0, gateway),
        _ => throw new UsageException($"unknown command '{args0.Command}'"),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"mb: {ex.Message}");
    Console.Error.WriteLine("run mb help for the commands");
    return ExitCodes.Usage;
}
