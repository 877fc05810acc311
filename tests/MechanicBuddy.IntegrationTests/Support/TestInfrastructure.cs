using System.Diagnostics;
using System.Globalization;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>Takes the tests' own RabbitMQ or PostgreSQL down and up again through scripts/infra.sh, as a game day would.</summary>
public static class TestInfrastructure
{
    public static Task RestartRabbitMqAsync() => RunAsync("restart-rabbitmq");

    public static Task RestartPostgresAsync() => RunAsync("restart-postgres");

    static async Task RunAsync(string command)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "infra.sh"), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The same servers scripts/test.sh started, whether or not the test run inherited its environment.
        start.Environment["MB_VAR"] = TestEnvironment.VarDirectory;
        start.Environment["MB_PG_PORT"] = TestEnvironment.PostgresPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["MB_AMQP_PORT"] = TestEnvironment.AmqpPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["MB_RABBIT_UI_PORT"] = TestEnvironment.RabbitUiPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["MB_NGINX_PORT"] = TestEnvironment.NginxPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["MB_RABBIT_NODE"] = Environment.GetEnvironmentVariable("MB_RABBIT_NODE") ?? "mechanicbuddy-test";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run scripts/infra.sh");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/infra.sh {command} exited with {process.ExitCode}: {await output}{await errors}");
        }
    }
}
