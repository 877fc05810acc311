using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MechanicBuddy.UnitTests.Provisioning.Routing;

/// <summary>
/// Nginx Proxy Manager's token and proxy-host API as its backend describes it: bearer tokens from POST /api/tokens
/// (an account with two-factor login gets {"requires_2fa", "challenge_token"} and no token; an expired token is a 400
/// "jwt expired", one whose signature no longer verifies a 500 "invalid signature", as NPM 2.13+ answers), JSON-schema
/// validation with additionalProperties false (unknown field → 400), required fields, "… is already in use" for a
/// domain any proxy, redirection or 404 host holds, 404 for unknown ids, errors shaped {"error":{"code","message"}},
/// and a saved host whose nginx config fails its test (an upstream that does not resolve) still answered 201/200 with
/// meta.nginx_online false and meta.nginx_err.
/// </summary>
public sealed class FakeNginxProxyManager : IAsyncDisposable
{
    static readonly HashSet<string> HostFields =
    [
        "domain_names", "forward_scheme", "forward_host", "forward_port", "certificate_id", "ssl_forced", "hsts_enabled", "hsts_subdomains",
        "http2_support", "block_exploits", "caching_enabled", "allow_websocket_upgrade", "access_list_id", "advanced_config", "enabled", "meta", "locations",
    ];
    static readonly HashSet<string> LocationFields = ["id", "path", "forward_scheme", "forward_host", "forward_port", "forward_path", "advanced_config"];
    static readonly string[] RequiredOnCreate = ["domain_names", "forward_scheme", "forward_host", "forward_port"];

    readonly WebApplication _app;
    /// <summary>Issued tokens: true while valid, false once expired.</summary>
    readonly ConcurrentDictionary<string, bool> _tokens = new();
    int _nextId;
    int _tokenCount;

    public ConcurrentDictionary<int, JsonObject> Hosts { get; } = new();
    public ConcurrentQueue<string> Requests { get; } = new();
    public int Logins => _tokenCount;
    public Uri Url { get; }
    public const string Identity = "provisioner@mechanicbuddy.app";
    public const string Secret = "s3rvice-account";
    /// <summary>An account (same secret) that has two-factor login turned on.</summary>
    public const string TwoFactorIdentity = "admin@mechanicbuddy.app";
    /// <summary>Redirection and 404 hosts: their domains count as in use for proxy hosts too.</summary>
    public ConcurrentBag<string> RedirectionAndDeadHostDomains { get; } = [];
    /// <summary>Upstream hosts nginx cannot resolve: a host forwarding to one fails nginx's config test.</summary>
    public ConcurrentBag<string> UnresolvableUpstreams { get; } = [];

    FakeNginxProxyManager(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Every token issued so far is past its expiry.</summary>
    public void ExpireAllTokens()
    {
        foreach (var token in _tokens.Keys)
        {
            _tokens[token] = false;
        }
    }

    /// <summary>NPM's signing key changed (a reinstall, a restored volume): no token issued so far verifies.</summary>
    public void RotateSigningKey() => _tokens.Clear();

    public static async Task<FakeNginxProxyManager> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeNginxProxyManager? fake = null;
        app.Use(async (context, next) =>
        {
            fake!.Requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
            if (context.Request.Path.StartsWithSegments("/api/nginx"))
            {
                var header = context.Request.Headers.Authorization.ToString();
                if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
                {
                    await Error(context, 401, "Permission Denied");
                    return;
                }
                if (!fake._tokens.TryGetValue(header["Bearer ".Length..], out var valid))
                {
                    await Error(context, 500, "invalid signature");
                    return;
                }
                if (!valid)
                {
                    await Error(context, 400, "jwt expired");
                    return;
                }
            }
            await next(context);
        });
        app.MapPost("/api/tokens", async context =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
            var identity = body?["identity"]?.GetValue<string>();
            if (identity is not (Identity or TwoFactorIdentity) || body!["secret"]?.GetValue<string>() != Secret)
            {
                await Error(context, 401, "Invalid email or password");
                return;
            }
            if (identity == TwoFactorIdentity)
            {
                await context.Response.WriteAsJsonAsync(new { requires_2fa = true, challenge_token = Guid.NewGuid().ToString("N") });
                return;
            }
            var token = $"token-{Interlocked.Increment(ref fake!._tokenCount)}";
            fake._tokens[token] = true;
            await context.Response.WriteAsJsonAsync(new { token, expires = DateTimeOffset.UtcNow.AddDays(1) });
        });
        app.MapGet("/api/nginx/proxy-hosts", () => Results.Json(fake!.Hosts.Values.OrderBy(h => (int)h["id"]!).ToList()));
        app.MapPost("/api/nginx/proxy-hosts", async context =>
        {
            var body = await ReadObjectAsync(context);
            if (body is null || await fake!.RejectAsync(context, body, creating: true, id: null))
            {
                return;
            }
            var id = Interlocked.Increment(ref fake._nextId);
            body["id"] = id;
            body["enabled"] ??= true;
            body["created_on"] = DateTimeOffset.UtcNow.ToString("O");
            fake.Configure(body);
            fake.Hosts[id] = body;
            context.Response.StatusCode = 201;
            await context.Response.WriteAsync(body.ToJsonString());
        });
        app.MapPut("/api/nginx/proxy-hosts/{id:int}", async (HttpContext context, int id) =>
        {
            if (!fake!.Hosts.TryGetValue(id, out var existing))
            {
                await Error(context, 404, "Not Found");
                return;
            }
            var body = await ReadObjectAsync(context);
            if (body is null || await fake.RejectAsync(context, body, creating: false, id))
            {
                return;
            }
            foreach (var (key, value) in body)
            {
                existing[key] = value?.DeepClone();
            }
            fake.Configure(existing);
            await context.Response.WriteAsync(existing.ToJsonString());
        });
        // NPM: enabling an enabled host (or disabling a disabled one) is a 400 ValidationError.
        foreach (var (action, enabled) in new[] { ("enable", true), ("disable", false) })
        {
            app.MapPost($"/api/nginx/proxy-hosts/{{id:int}}/{action}", async (HttpContext context, int id) =>
            {
                if (!fake!.Hosts.TryGetValue(id, out var existing))
                {
                    await Error(context, 404, "Not Found");
                    return;
                }
                if (existing["enabled"]?.GetValue<bool>() == enabled)
                {
                    await Error(context, 400, $"Host is already {action}d");
                    return;
                }
                existing["enabled"] = enabled;
                await context.Response.WriteAsync("true");
            });
        }
        app.MapDelete("/api/nginx/proxy-hosts/{id:int}", async (HttpContext context, int id) =>
        {
            if (!fake!.Hosts.TryRemove(id, out _))
            {
                await Error(context, 404, "Not Found");
                return;
            }
            await context.Response.WriteAsync("true");
        });
        await app.StartAsync();
        var address = app.Urls.First();
        fake = new FakeNginxProxyManager(app, new Uri(address));
        return fake;
    }

    /// <summary>NPM writes the host's nginx config and tests it; a failure is recorded in meta, not in the status code.</summary>
    void Configure(JsonObject host)
    {
        var upstreams = new[] { host["forward_host"]?.GetValue<string>() }
            .Concat((host["locations"] as JsonArray ?? []).OfType<JsonObject>().Select(l => l["forward_host"]?.GetValue<string>()));
        var broken = upstreams.FirstOrDefault(u => u is not null && UnresolvableUpstreams.Contains(u));
        host["meta"] = new JsonObject
        {
            ["nginx_online"] = broken is null,
            ["nginx_err"] = broken is null ? null : $"Command failed: /usr/sbin/nginx -t -g \"error_log off;\"\nnginx: [emerg] host not found in upstream \"{broken}\" in /data/nginx/proxy_host/{host["id"]}.conf:40\nnginx: configuration file /etc/nginx/nginx.conf test failed\n",
        };
    }

    async Task<bool> RejectAsync(HttpContext context, JsonObject body, bool creating, int? id)
    {
        var unknown = body.Select(p => p.Key).FirstOrDefault(k => !HostFields.Contains(k));
        if (unknown is not null)
        {
            await Error(context, 400, $"data should NOT have additional properties ({unknown})");
            return true;
        }
        var missing = creating ? RequiredOnCreate.FirstOrDefault(f => body[f] is null) : null;
        if (missing is not null)
        {
            await Error(context, 400, $"data should have required property '{missing}'");
            return true;
        }
        if (body["forward_scheme"] is { } scheme && scheme.GetValue<string>() is not ("http" or "https"))
        {
            await Error(context, 400, "data.forward_scheme should be equal to one of the allowed values");
            return true;
        }
        if (body["forward_port"] is { } port && (port.GetValueKind() != JsonValueKind.Number || port.GetValue<int>() is < 1 or > 65535))
        {
            await Error(context, 400, "data.forward_port should be <= 65535");
            return true;
        }
        if (body["locations"] is JsonArray locations)
        {
            foreach (var location in locations.OfType<JsonObject>())
            {
                var extra = location.Select(p => p.Key).FirstOrDefault(k => !LocationFields.Contains(k));
                if (extra is not null)
                {
                    await Error(context, 400, $"data.locations should NOT have additional properties ({extra})");
                    return true;
                }
            }
        }
        if (body["domain_names"] is JsonArray domains)
        {
            var names = domains.Select(d => d!.GetValue<string>()).ToList();
            if (names.Count is < 1 or > 100 || names.Distinct().Count() != names.Count)
            {
                await Error(context, 400, "data.domain_names should have between 1 and 100 unique items");
                return true;
            }
            // NPM compares domains without regard to case.
            var taken = names.FirstOrDefault(n => RedirectionAndDeadHostDomains.Contains(n, StringComparer.OrdinalIgnoreCase)
                || Hosts.Any(h => h.Key != id && ((JsonArray)h.Value["domain_names"]!).Any(d => string.Equals(d!.GetValue<string>(), n, StringComparison.OrdinalIgnoreCase))));
            if (taken is not null)
            {
                await Error(context, 400, $"{taken} is already in use");
                return true;
            }
        }
        return false;
    }

    static async Task<JsonObject?> ReadObjectAsync(HttpContext context)
    {
        try
        {
            if (await JsonNode.ParseAsync(context.Request.Body) is JsonObject body)
            {
                return body;
            }
        }
        catch (JsonException)
        {
        }
        await Error(context, 400, "data should be object");
        return null;
    }

    static Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = new { code = status, message } });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
