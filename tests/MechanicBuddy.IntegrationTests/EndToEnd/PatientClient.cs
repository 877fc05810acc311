using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// A client that does what the API asks of it while services crash and restart: the same request (and Idempotency-Key)
/// again on a 5xx or a dropped connection, until an answer or its patience runs out.
/// </summary>
public sealed class PatientClient(ControlPlaneFixture plane)
{
    /// <summary>Long enough to outlast a broker restart (~20 s here) on top of a Gateway restart.</summary>
    static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    public async Task<TenantProvisioningResult> SignUpUntilAcceptedAsync(object body)
    {
        var key = Guid.NewGuid().ToString();
        using var response = await PostUntilAnsweredAsync("/api/provisioning/provision", body, request => request.Headers.Add("Idempotency-Key", key));
        return await ResultAsync(response);
    }

    /// <summary>POSTs until a 200 or 202; any other 4xx, or a 5xx past its patience, is an error naming the answer.</summary>
    public async Task<HttpResponseMessage> PostUntilAnsweredAsync(string path, object body, Action<HttpRequestMessage>? prepare = null)
    {
        var giveUp = DateTime.UtcNow + Patience;
        while (true)
        {
            var lastTry = DateTime.UtcNow > giveUp;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
                prepare?.Invoke(request);
                var response = await plane.Client.SendAsync(request);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted)
                {
                    return response;
                }
                if ((int)response.StatusCode < 500 || lastTry)
                {
                    throw new InvalidOperationException($"{path} refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                response.Dispose();
            }
            catch (HttpRequestException) when (!lastTry)
            {
            }
            catch (TaskCanceledException) when (!lastTry)
            {
                // The client's own timeout: the Gateway hung on a broker that went away.
            }
            await Task.Delay(500);
        }
    }

    /// <summary>The drift report once every worker answers (one the supervisor is restarting is "unreachable" for a few seconds).</summary>
    public async Task<DriftReport> DriftWhenWorkersUpAsync(string? tenantId = null)
    {
        var giveUp = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var drift = await GetWhenUpAsync<DriftReport>(tenantId is null ? "/api/drift" : $"/api/tenants/{tenantId}/drift");
            if (drift.Unreachable.Count == 0 || DateTime.UtcNow > giveUp)
            {
                return drift;
            }
            await Task.Delay(1000);
        }
    }

    /// <summary>A GET that waits out a Gateway the supervisor is still restarting.</summary>
    public async Task<T> GetWhenUpAsync<T>(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await plane.Client.GetFromJsonAsync<T>(path, Json))!;
            }
            catch (HttpRequestException) when (attempt < 120)
            {
                await Task.Delay(500);
            }
        }
    }
}
