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
        var (response, refusal) = await gateway.OpenStreamAsync($"/api/events?tenantId={Uri.EscapeDataString(tenantId)}&from=start", null, stop.Token);
        if (refusal is not null)
        {
            return Output.Problem(refusal);
        }
        using var _ = response;
        var lines = Channel.CreateUnbounded<string>();
        var reading = PumpAsync(new StreamReader(await response!.Content.ReadAsStreamAsync(stop.Token)), lines.Writer, stop.Token);
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

    static async Task PumpAsync(StreamReader reader, ChannelWriter<string> lines, CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                await lines.WriteAsync(line, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // The stream ended; the reader sees the channel close.
        }
        finally
        {
            lines.TryComplete();
            reader.Dispose();
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
