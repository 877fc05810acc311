using Microsoft.Extensions.FileProviders;

namespace MechanicBuddy.Gateway.Api;

/// <summary>
/// The operator console: static files (Console/ beside the Gateway's binaries, no build step) under /console. The page
/// itself needs no token (it holds no data); every call it makes carries the operator's. A strict content policy keeps
/// any script but the console's own off the page.
/// </summary>
public static class ConsoleEndpoints
{
    public const string Path = "/console";

    public static WebApplication UseConsole(this WebApplication app)
    {
        var folder = System.IO.Path.Combine(AppContext.BaseDirectory, "Console");
        var files = new PhysicalFileProvider(folder);
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-cache";
            await next(context);
        }));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = Path });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, RequestPath = Path });
        app.MapGet("/", () => Results.Redirect($"{Path}/")).ExcludeFromDescription();
        return app;
    }
}
