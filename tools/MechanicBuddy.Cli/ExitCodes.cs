namespace MechanicBuddy.Cli;

/// <summary>What mb's exit status means, so scripts can branch on it (docs/cli.md lists them).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command ran, and what it reports is bad: a tenant Failed, drift found, a rollout stopped.</summary>
    public const int Failed = 1;
    /// <summary>mb was called wrongly: unknown command, missing argument.</summary>
    public const int Usage = 2;
    /// <summary>No token, a token the Gateway refuses (401), or a role that may not do this (403).</summary>
    public const int NotAllowed = 3;
    /// <summary>No such tenant, pool or rollout (404).</summary>
    public const int NotFound = 4;
    /// <summary>The Gateway refused the request as it stands: invalid input (400/413/422), the wrong state (409) or too many at once (429).</summary>
    public const int Refused = 5;
    /// <summary>The Gateway or what it needs is unreachable or failing (5xx, no connection, timeout).</summary>
    public const int Unavailable = 6;

    public static int OfStatus(int status) => status switch
    {
        < 400 => Ok,
        401 or 403 => NotAllowed,
        404 => NotFound,
        400 or 409 or 413 or 422 or 429 => Refused,
        _ => Unavailable,
    };
}
