using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MechanicBuddy.Cli;

/// <summary>One answer of the Gateway: its status, its body as text and, when it is JSON, parsed.</summary>
public sealed record GatewayAnswer(int Status, string Text, JsonElement? Json, HttpResponseMessage Response)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>Calls the Gateway with the operator's token; a connection that fails becomes an answer with status 0.</summary>
public sealed class GatewayClient(CliSettings settings) : IDisposable
{
    readonly HttpClient _http = Create(settings);

    static HttpClient Create(CliSettings settings)
    {
        if (string.IsNullOrEmpty(settings.Gateway))
        {
            throw new UsageException("no Gateway: run mb login --gateway URL --token TOKEN (or set MB_GATEWAY and MB_TOKEN)");
        }
        var http = new HttpClient { BaseAddress = new Uri(settings.Gateway), Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(settings.Token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        }
        http.DefaultRequestHeaders.Add("X-Request-ID", "mb-" + Guid.NewGuid().ToString("N"));
        return http;
    }

    public Task<GatewayAnswer> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    /// <param name="waitSeconds">Sent as Prefer: wait=N, so a quick change answers with its end state.</param>
    public async Task<GatewayAnswer> SendAsync(HttpMethod method, string path, object? body, int? waitSeconds = null, Dictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.Add(name, value);
        }
        if (waitSeconds is { } wait)
        {
            request.Headers.Add("Prefer", $"wait={wait}");
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds((waitSeconds ?? 0) + 30));
        try
        {
            var response = await _http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            return new GatewayAnswer((int)response.StatusCode, text, Parse(text), response);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new GatewayAnswer(0, $"the Gateway at {settings.Gateway} did not answer: {ex.Message}", null, new HttpResponseMessage());
        }
    }

    /// <summary>The event stream, opened; the caller reads it line by line.</summary>
    public async Task<(HttpResponseMessage? Response, GatewayAnswer? Refusal)> OpenStreamAsync(string path, string? lastEventId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        try
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (response, null);
            }
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return (null, new GatewayAnswer((int)response.StatusCode, text, Parse(text), response));
        }
        catch (HttpRequestException ex)
        {
            return (null, new GatewayAnswer(0, $"the Gateway at {settings.Gateway} did not answer: {ex.Message}", null, new HttpResponseMessage()));
        }
    }

    static JsonElement? Parse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
