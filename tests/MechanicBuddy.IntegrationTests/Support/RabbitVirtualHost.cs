using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>A fresh RabbitMQ virtual host per test run, so queues and messages of one run never meet another's.</summary>
public sealed class RabbitVirtualHost : IAsyncDisposable
{
    static readonly HttpClient Management = CreateClient();
    public string Name { get; }

    RabbitVirtualHost(string name) => Name = name;

    public static async Task<RabbitVirtualHost> CreateAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        (await Management.PutAsync($"api/vhosts/{name}", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await Management.PutAsJsonAsync($"api/permissions/{name}/guest", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new RabbitVirtualHost(name);
    }

    /// <summary>Ready messages in a queue, as the management API reports them (it samples every few seconds).</summary>
    public async Task<int> MessagesReadyAsync(string queue)
    {
        var response = await Management.GetFromJsonAsync<QueueInfo>($"api/queues/{Uri.EscapeDataString(Name)}/{queue}");
        return response?.messages_ready ?? 0;
    }

    public async Task<QueueInfo?> QueueAsync(string queue)
    {
        var response = await Management.GetAsync($"api/queues/{Uri.EscapeDataString(Name)}/{queue}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<QueueInfo>() : null;
    }

    public async ValueTask DisposeAsync() => await Management.DeleteAsync($"api/vhosts/{Name}");

    static HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{TestEnvironment.RabbitUiPort}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return client;
    }

#pragma warning disable IDE1006, CA1707 // the management API's field names
    public sealed record QueueInfo(string name, int messages_ready, int messages, Dictionary<string, object>? arguments);
#pragma warning restore IDE1006, CA1707
}
