using System.Text;
using System.Text.Json;

namespace MechanicBuddy.Cli.Commands;

/// <summary><c>mb login --gateway URL --token TOKEN|-</c>: checks the token against the Gateway, then saves both for later commands.</summary>
public static class LoginCommand
{
    public static async Task<int> RunAsync(CliArguments args)
    {
        var saved = CliSettings.Load();
        var gateway = args.Option("gateway") ?? saved.Gateway ?? throw new UsageException("login: --gateway URL is required");
        var token = args.Option("token") switch
        {
            "-" => (await Console.In.ReadToEndAsync()).Trim(),
            { } given => given,
            null => throw new UsageException("login: --token TOKEN is required (or --token - to read it from stdin)"),
        };
        var settings = new CliSettings(gateway.TrimEnd('/'), token);
        using var client = new GatewayClient(settings);
        var check = await client.GetAsync("/api/tenants?limit=1");
        if (!check.Ok)
        {
            return Output.Problem(check);
        }
        settings.Save();
        var (subject, role, expires) = Claims(token);
        if (args.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { gateway = settings.Gateway, subject, role, expires }));
        }
        else
        {
            Console.WriteLine($"logged in to {settings.Gateway} as {subject} ({role}), token valid until {expires:u}; saved in {CliSettings.FilePath}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>The token's subject, role and expiry, read (not verified: the Gateway just accepted it) from its payload.</summary>
    static (string? Subject, string? Role, DateTimeOffset? Expires) Claims(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return (null, null, null);
        }
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        var root = json.RootElement;
        var role = root.EnumerateObject().FirstOrDefault(p => p.Name.EndsWith("role", StringComparison.Ordinal)).Value;
        return (Output.Text(root, "sub"), role.ValueKind == JsonValueKind.Undefined ? null : role.ToString(),
            root.TryGetProperty("exp", out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp.GetInt64()) : null);
    }
}
