using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;

namespace MechanicBuddy.ServiceDefaults;

/// <summary>What every MechanicBuddy host shares: Serilog, validated <c>Provisioning</c> options, liveness and readiness.</summary>
public static class HostingExtensions
{
    public const string ReadyTag = "ready";

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, bool requirePoolConnectionStrings = false)
    {
        ProductionSecrets.Require(builder.Configuration, builder.Environment.IsProduction());
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Service", builder.Environment.ApplicationName)
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));

        builder.Services.AddOptions<ProvisioningOptions>()
            .Bind(builder.Configuration.GetSection(ProvisioningOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ProvisioningOptions>>(new ProvisioningOptionsValidator(requirePoolConnectionStrings));
        builder.Services.AddSingleton(new CrashPoints(builder.Configuration));

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        // MassTransit tags its bus check "ready"; database checks add the same tag.
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        if (app.Services.GetRequiredService<CrashPoints>().Points is { } points)
        {
            app.Logger.LogWarning("FAULT INJECTION ON: this process kills itself at crash points {Points}", points);
        }
        return app;
    }
}
