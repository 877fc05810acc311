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
        (await Management.PutAsJsonAsync($"api/permissions/{name}/mb-admin", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        // Each service's own user, with the permissions it has in the real virtual host.
        foreach (var user in TestEnvironment.BrokerUsers.Values)
        {
            (await Management.PutAsJsonAsync($"api/permissions/{name}/{user.Name}", new { configure = user.Configure, write = user.Write, read = user.Read }))
                .EnsureSuccessStatusCode();
        }
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

    /// <summary>Reads (and requeues) the queue's messages until one matches; the management API's "get" is made for exactly this.</summary>
    public async Task<string> PeekAsync(string queue, Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var response = await Management.PostAsJsonAsync($"api/queues/{Uri.EscapeDataString(Name)}/{queue}/get",
                new { count = 100, ackmode = "reject_requeue_true", encoding = "auto", truncate = 100_000 });
            if (response.IsSuccessStatusCode)
            {
                var messages = await response.Content.ReadFromJsonAsync<List<PeekedMessage>>() ?? [];
                var found = messages.Select(m => m.payload).FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"no matching message in {queue} within {timeout}");
    }

    /// <summary>
    /// Binds a queue of the test's own to a fanout exchange, so it receives a copy of every message sent there while the
    /// real consumer takes the original. Returns the queue's name, for <see cref="PeekAsync"/>.
    /// </summary>
    public async Task<string> TapAsync(string exchange)
    {
        var queue = $"tap-{exchange}";
        var vhost = Uri.EscapeDataString(Name);
        (await Management.PutAsJsonAsync($"api/queues/{vhost}/{queue}", new { durable = false, auto_delete = false })).EnsureSuccessStatusCode();
        (await Management.PutAsJsonAsync($"api/exchanges/{vhost}/{exchange}", new { type = "fanout", durable = true })).EnsureSuccessStatusCode();
        (await Management.PostAsJsonAsync($"api/bindings/{vhost}/e/{exchange}/q/{queue}", new { routing_key = "" })).EnsureSuccessStatusCode();
        return queue;
    }

    public async ValueTask DisposeAsync() => await Management.DeleteAsync($"api/vhosts/{Name}");

    static HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{TestEnvironment.RabbitUiPort}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("mb-admin:" + TestEnvironment.BrokerPassword("mb-admin"))));
        return client;
    }

#pragma warning disable IDE1006, CA1707 // the management API's field names
    public sealed record PeekedMessage(string payload);
    public sealed record QueueInfo(string name, int messages_ready, int messages, Dictionary<string, object>? arguments);
#pragma warning restore IDE1006, CA1707
}
