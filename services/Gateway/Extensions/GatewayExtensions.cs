using MechanicBuddy.Gateway.Waiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.Text;
using System.Text.Json;
using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Gateway.Api;
using MechanicBuddy.Gateway.Audit;
using MechanicBuddy.Gateway.Clients;
using MechanicBuddy.Gateway.Consumers;
using MechanicBuddy.Gateway.Drift;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.ServiceDefaults;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Refit;
using Scalar.AspNetCore;

namespace MechanicBuddy.Gateway.Extensions;

public static class GatewayExtensions
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "MechanicBuddy provisioning Gateway";
            document.Info.Description = "Sign shops up, watch provisioning, list and remove tenants. Every call needs an operator bearer token: the SuperAdmin role for everything, the Viewer role for reads. Every change is recorded in the audit log (GET /api/audit).";
            return Task.CompletedTask;
        }));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<GatewayLimitsOptions>().Bind(builder.Configuration.GetSection(GatewayLimitsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // Kestrel and the rate limiter take the bound, validated limits, not a second read of the section.
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<GatewayLimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes);
        builder.Services.AddSignupRateLimit();
        builder.Services.AddSingleton<TenantCompletionNotifier>();
        builder.Services.AddSingleton<EventStreamSlots>();
        builder.Services.AddSingleton<InventorySources>();
        builder.Services.AddSingleton<AuditRecorder>();
        builder.Services.AddHttpClient(nameof(InventorySources), c => c.Timeout = TimeSpan.FromSeconds(15));

        builder.Services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                jwt.MapInboundClaims = true;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.Value.SigningKey)),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthOptions.OperatorPolicy, policy => policy.RequireOperatorAccess());
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, OperatorAccessProblems>();

        var registryUrl = builder.Configuration["Services:TenantRegistry:BaseUrl"]
            ?? throw new InvalidOperationException("Services:TenantRegistry:BaseUrl is required");
        var registryKey = builder.Configuration["Services:TenantRegistry:ApiKey"];
        if (string.IsNullOrEmpty(registryKey))
        {
            throw new InvalidOperationException("Services:TenantRegistry:ApiKey is required (the registry's Registry:ApiKey)");
        }
        builder.Services.AddRefitGeneratedClient<ITenantRegistryApi>(new RefitSettings(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web))))
            .ConfigureHttpClient(c =>
            {
                c.BaseAddress = new Uri(registryUrl);
                c.Timeout = TimeSpan.FromSeconds(10);
                c.DefaultRequestHeaders.Add("X-Service-Key", registryKey);
            });

        builder.AddMechanicBuddyBus(x =>
        {
            x.AddRequestClient<ProvisionTenant>();
            x.AddRequestClient<ChangeTenantTier>();
            // This instance's own auto-delete queue: every Gateway hears every lifecycle event to wake its waiters.
            x.AddConsumer<TenantLifecycleConsumer>().ExcludeFromConfigureEndpoints();
        }, (context, cfg) => cfg.ReceiveEndpoint(new TemporaryEndpointDefinition("gateway-lifecycle"), e => e.ConfigureConsumer<TenantLifecycleConsumer>(context)));
        return builder;
    }

    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseConsole();
        app.UseAuthentication();
        // Between the two: a refusal for a missing token or a read-only role is recorded too.
        app.UseMiddleware<OperatorAuditMiddleware>();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapServiceDefaults();
        app.MapOpenApi();
        app.MapScalarApiReference(options => options.WithTitle("MechanicBuddy provisioning"));
        app.MapProvisioning();
        app.MapTenants();
        app.MapSuspension();
        app.MapTierChanges();
        app.MapDrift();
        app.MapFleet();
        app.MapPools();
        app.MapAudit();
        app.MapEvents();
        app.MapTokens();
        return app;
    }

    /// <summary>
    /// <c>MechanicBuddy.Gateway mint-token [subject] [hours] [role]</c>: prints an operator token (SuperAdmin unless a
    /// role is named) signed with this configuration's key, and records the minting in the audit log when the registry
    /// is reachable (a warning on stderr when it is not: whoever holds the signing key can mint tokens anyway).
    /// </summary>
    public static bool TryRunMintToken(this WebApplicationBuilder builder, string[] args)
    {
        var verb = Array.IndexOf(args, "mint-token");
        if (verb < 0)
        {
            return false;
        }
        args = args[(verb)..];
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (auth.SigningKey.Length < 32)
        {
            Console.Error.WriteLine("Auth:SigningKey must be configured (at least 32 characters)");
            Environment.ExitCode = 2;
            return true;
        }
        var subject = args.Length > 1 ? args[1] : "operator";
        var hours = args.Length > 2 && int.TryParse(args[2], out var h) ? h : 12;
        var role = args.Length > 3 ? args[3] : AuthOptions.SuperAdminRole;
        if (!AuthOptions.Roles.Contains(role) || !OperatorAccess.IsValidSubject(subject))
        {
            Console.Error.WriteLine($"the subject must be 1 to 100 letters, digits, '@', '.', '_' or '-' (not 'anonymous'), the role one of {string.Join(", ", AuthOptions.Roles)}");
            Environment.ExitCode = 2;
            return true;
        }
        Console.WriteLine(OperatorTokens.Mint(auth, subject, [role], TimeSpan.FromHours(hours)));
        LocalMintAudit.Record(builder.Configuration, subject, role);
        return true;
    }
}
