using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>Stands in for the shared API/Web behind the edge: answers with the X-Tenant-ID values and host it received.</summary>
public sealed class EchoBackend : IAsyncDisposable
{
    readonly WebApplication _app;
    public int Port { get; }
    public Uri Url => new($"http://127.0.0.1:{Port}");

    EchoBackend(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <param name="name">Which upstream this stands for ("shared", "dedicated"), echoed back so a test sees where the edge sent a request.</param>
    public static async Task<EchoBackend> StartAsync(string name = "shared")
    {
        var port = TestEnvironment.FreeTcpPort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(context =>
        {
            var echo = new EchoResponse(context.Request.Headers["X-Tenant-ID"].Select(v => v ?? "").ToArray(), context.Request.Headers.Host.ToString(),
                context.Request.Path, name);
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(echo));
        });
        await app.StartAsync();
        return new EchoBackend(app, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record EchoResponse(string[] TenantIds, string Host, string Path, string Backend);
