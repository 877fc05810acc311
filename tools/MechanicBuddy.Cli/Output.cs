using System.Globalization;
using System.Text.Json;

namespace MechanicBuddy.Cli;

/// <summary>How mb prints: the Gateway's JSON as it came (--json), or tables and lines for a person.</summary>
public static class Output
{
    /// <summary>A refusal or an outage on stderr, with the problem's title, detail and each invalid field; returns the exit code.</summary>
    public static int Problem(GatewayAnswer answer)
    {
        if (answer.Status == 0)
        {
            Console.Error.WriteLine(answer.Text);
            return ExitCodes.Unavailable;
        }
        var lines = new List<string>();
        if (answer.Json is { ValueKind: JsonValueKind.Object } problem)
        {
            if (Text(problem, "title") is { } title)
            {
                lines.Add(title);
            }
            if (Text(problem, "detail") is { } detail)
            {
                lines.Add(detail);
            }
            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                lines.AddRange(errors.EnumerateObject().Select(e => $"  {e.Name}: {string.Join(" ", e.Value.EnumerateArray().Select(m => m.GetString()))}"));
            }
        }
        Console.Error.WriteLine($"error {answer.Status}: {(lines.Count > 0 ? string.Join(Environment.NewLine, lines) : answer.Text)}");
        return ExitCodes.OfStatus(answer.Status);
    }

    public static void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var all = rows.Select(r => r.Select(c => c ?? "-").ToList()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToList();
        Console.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in all)
        {
            Console.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
    }

    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString()
            : null;

    public static string? Time(JsonElement element, string name) =>
        Text(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : null;
}
