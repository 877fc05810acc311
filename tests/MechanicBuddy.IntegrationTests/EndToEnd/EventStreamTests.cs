using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MechanicBuddy.Contracts.Http;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>GET /api/events (Server-Sent Events) through the real Gateway: live steps until Completed, and a resume that misses and repeats nothing.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class EventStreamTests(ControlPlaneFixture plane)
{
    [Fact]
    public async Task A_signup_is_seen_live_until_completed_and_a_resume_continues_right_after_the_last_event_seen()
    {
        using var fleet = await OpenAsync("/api/events");
        var tenantId = (await ResultAsync(await SignUpAsync(plane.Client,
            new { companyName = "Streamed Struts", subscriptionTier = "free", ownerEmail = "owner@streamed.example" }, waitSeconds: null))).TenantId;

        // The fleet stream starts at "now" and shows the new tenant's steps as they happen.
        var live = await ReadUntilAsync(fleet, e => e.TenantId == tenantId && e.Step == "Completed");
        var mine = live.Where(e => e.TenantId == tenantId).ToList();
        Assert.Contains(mine, e => e.Step == "CreateSchema" && e.Outcome == "completed");
        Assert.Contains(mine, e => e.Step == "ConfigureRouting" && e.Outcome == "completed");

        // The tenant's own stream starts at its first event; the same events, in the same order.
        using var whole = await OpenAsync($"/api/events?tenantId={tenantId}");
        var story = await ReadUntilAsync(whole, e => e.Step == "Completed");
        Assert.Equal(mine.Select(e => e.Id), story.Select(e => e.Id));
        Assert.Equal(story.Select(e => e.Id).Distinct().Count(), story.Count);

        // Resuming after the third event gives the fourth onwards: nothing missed, nothing repeated.
        using var resumed = await OpenAsync($"/api/events?tenantId={tenantId}", lastEventId: story[2].Id);
        var rest = await ReadUntilAsync(resumed, e => e.Step == "Completed");
        Assert.Equal(story.Skip(3).Select(e => e.Id), rest.Select(e => e.Id));
    }

    [Fact]
    public async Task A_cursor_that_is_not_an_event_id_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        request.Headers.Add("Last-Event-ID", "drop table");
        var response = await plane.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_token_gets_as_many_streams_as_the_limit_and_one_more_when_it_closes_one()
    {
        using var client = plane.Authorized(MechanicBuddy.Gateway.Security.OperatorTokens.Mint(plane.Auth, "stream-hoarder",
            [MechanicBuddy.Gateway.Security.AuthOptions.ViewerRole], TimeSpan.FromMinutes(10)));
        var open = new List<EventStream>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                open.Add(await OpenAsync("/api/events", client: client));
            }

            using var refused = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            open[0].Dispose();
            open.RemoveAt(0);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            HttpStatusCode again;
            do
            {
                using var retry = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
                again = retry.StatusCode;
                if (again == HttpStatusCode.OK)
                {
                    break;
                }
                await Task.Delay(200);
            }
            while (DateTime.UtcNow < deadline);
            Assert.Equal(HttpStatusCode.OK, again);
        }
        finally
        {
            open.ForEach(s => s.Dispose());
        }
    }

    async Task<EventStream> OpenAsync(string path, string? lastEventId = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        var response = await (client ?? plane.Client).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>Reads events (id, event, data lines) until one matches; fails after 60 s.</summary>
    static async Task<List<TenantEvent>> ReadUntilAsync(EventStream stream, Func<TenantEvent, bool> last)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var events = new List<TenantEvent>();
        string? id = null, data = null;
        while (await stream.Reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
            else if (line.Length == 0 && data is not null)
            {
                var item = JsonSerializer.Deserialize<TenantEvent>(data, Json)!;
                Assert.Equal(id, item.Id);
                events.Add(item);
                (id, data) = (null, null);
                if (last(item))
                {
                    return events;
                }
            }
        }
        throw new InvalidOperationException("the stream ended");
    }

    sealed record EventStream(HttpResponseMessage Response, StreamReader Reader) : IDisposable
    {
        public void Dispose()
        {
            Reader.Dispose();
            Response.Dispose();
        }
    }
}
