using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;

namespace MechanicBuddy.Gateway.Audit;

/// <summary>Records a token minted on the command line (not through the Gateway's API) in the registry's audit log.</summary>
public static class LocalMintAudit
{
    public static void Record(IConfiguration configuration, string subject, string role)
    {
        var registryUrl = configuration["Services:TenantRegistry:BaseUrl"];
        var registryKey = configuration["Services:TenantRegistry:ApiKey"];
        if (string.IsNullOrEmpty(registryUrl) || string.IsNullOrEmpty(registryKey))
        {
            Console.Error.WriteLine("warning: no Services:TenantRegistry configured; the minting is not in the audit log");
            return;
        }
        var record = new AuditRecord
        {
            Subject = $"local:{Environment.UserName}",
            Action = "MintToken",
            Target = subject,
            Role = role,
            RequestId = Guid.NewGuid().ToString("N"),
            ClientAddress = Environment.MachineName,
            Method = "CLI",
            Path = "mint-token",
            Status = 200,
            Outcome = AuditRecord.Accepted,
            Reason = null,
        };
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(registryUrl), Timeout = TimeSpan.FromSeconds(5) };
            http.DefaultRequestHeaders.Add("X-Service-Key", registryKey);
            using var response = http.PostAsJsonAsync("/api/audit", record).GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"warning: the registry answered {(int)response.StatusCode}; the minting is not in the audit log");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"warning: the registry is unreachable ({ex.Message}); the minting is not in the audit log");
        }
    }
}
