namespace MechanicBuddy.Gateway.Audit;

/// <summary>The caller's X-Request-ID when it is a plain token (letters, digits, '.', '_', '-', at most 100), else a new one.</summary>
public static class RequestIds
{
    public static string From(string? presented) =>
        presented is { Length: > 0 and <= 100 } && presented.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? presented
            : Guid.NewGuid().ToString("N");
}
