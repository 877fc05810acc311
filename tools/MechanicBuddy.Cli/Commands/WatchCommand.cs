using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace MechanicBuddy.Cli.Commands;

/// <summary>
/// <c>mb watch ID</c>: the tenant's steps as they happen (from the event stream), each with a bar, its duration and its
/// message, until the tenant settles: exit 0 when it is Active (or Suspended / Deprovisioned as asked), 1 when Failed.
/// </summary>
public static class WatchCommand
{
    static readonly string[] Settled = ["Active", "Failed", "Suspended", "Deprovisioned"];
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string tenantId, CliArguments args, GatewayClient gateway)
    {
        var timeout = int.TryParse(args.Option("timeout"), out var seconds) ? seconds : 600;
        var known = await gateway.GetAsync($"/api/tenants/{Uri.EscapeDataString(tenantId)}");
        if (!known.Ok)
        {
            return Output.Problem(known);
        }
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(timeout));
        var path = $"/api/events?tenantId={Uri.EscapeDataString(tenantId)}&from=start";
        var (response, refusal) = await gateway.OpenStreamAsync(path, null, stop.Token);
        if (refusal is not null)
        {
            return Output.Problem(refusal);
        }
        var lines = Channel.CreateUnbounded<string>();
        var reading = PumpAsync(gateway, path, response!, lines.Writer, stop.Token);
        DateTimeOffset? previous = null;
        string? data = null;
        try
        {
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                quiet.CancelAfter(TimeSpan.FromMilliseconds(700));
                string? line;
                try
                {
                    line = await lines.Reader.ReadAsync(quiet.Token);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // Quiet: the backlog is out; has the tenant settled?
                    if (await SettledStatusAsync(gateway, tenantId) is { } status)
                    {
                        return Finish(tenantId, status, args);
                    }
                    continue;
                }
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line[6..];
                }
                else if (line.Length == 0 && data is not null)
                {
                    var item = JsonDocument.Parse(data).RootElement;
                    previous = Print(item, previous, args.Json);
                    data = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"{tenantId}: not settled within {timeout}s");
            return ExitCodes.Unavailable;
        }
        catch (ChannelClosedException)
        {
            Console.Error.WriteLine($"{tenantId}: the event stream ended");
            return ExitCodes.Unavailable;
        }
        finally
        {
            await stop.CancelAsync();
            await reading;
        }
    }

    /// <summary>
    /// Hands the stream's lines on; when the stream breaks off (a Gateway restart, a proxy's timeout, an expired token's
    /// end) it opens it again after the last event seen (Last-Event-ID), so nothing is missed or shown twice. Gives up
    /// after five attempts in a row that cannot open it; the reader then sees the channel close.
    /// </summary>
    static async Task PumpAsync(GatewayClient gateway, string path, HttpResponseMessage first, ChannelWriter<string> lines, CancellationToken cancellationToken)
    {
        string? lastId = null;
        var response = first;
        var failures = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (response is not null)
                {
                    failures = 0;
                    try
                    {
                        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                        while (await reader.ReadLineAsync(cancellationToken) is { } line)
                        {
                            if (line.StartsWith("id: ", StringComparison.Ordinal))
                            {
                                lastId = line[4..];
                            }
                            await lines.WriteAsync(line, cancellationToken);
                        }
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException)
                    {
                        // Broken off: open it again below.
                    }
                    finally
                    {
                        response.Dispose();
                    }
                }
                else if (++failures >= 5)
                {
                    return;
                }
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                (response, _) = await gateway.OpenStreamAsync(path, lastId, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Settled, or out of time.
        }
        finally
        {
            lines.TryComplete();
        }
    }

    static DateTimeOffset? Print(JsonElement item, DateTimeOffset? previous, bool json)
    {
        if (json)
        {
            Console.WriteLine(item.GetRawText());
            return null;
        }
        var at = item.GetProperty("timestamp").GetDateTimeOffset();
        var outcome = Output.Text(item, "outcome");
        var mark = outcome switch { "failed" => "✗", "started" => "…", "compensated" => "↺", _ => "✓" };
        var bar = outcome switch { "started" => "[#####.....]", "failed" => "[!!!!!!!!!!]", _ => "[##########]" };
        var took = previous is { } before ? $"{(at - before).TotalSeconds,6:0.00} s" : "      -  ";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{mark} {Output.Text(item, "step"),-22} {bar} {took}  {Output.Text(item, "message")}"));
        return at;
    }

    static async Task<string?> SettledStatusAsync(GatewayClient gateway, string tenantId)
    {
        var answer = await gateway.GetAsync($"/api/tenants/{Uri.EscapeDataString(tenantId)}");
        return answer.Ok && Output.Text(answer.Json!.Value, "status") is { } status && Settled.Contains(status) ? status : null;
    }

    static int Finish(string tenantId, string status, CliArguments args)
    {
        if (args.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { tenantId, status }, Json));
        }
        else
        {
            Console.WriteLine($"{tenantId}: {status}");
        }
        return status == "Failed" ? ExitCodes.Failed : ExitCodes.Ok;
    }
}
