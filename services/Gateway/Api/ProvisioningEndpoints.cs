using MechanicBuddy.Gateway.Waiting;
using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Clients;
using MechanicBuddy.Gateway.Consumers;
using MechanicBuddy.Gateway.Security;
using MechanicBuddy.Gateway.Validation;
using MechanicBuddy.ServiceDefaults.FaultInjection;
using MechanicBuddy.Tenancy;
using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.Gateway.Api;

public static class ProvisioningEndpoints
{
    /// <summary>How long the saga may take to admit or reject a signup; the request expires on the broker after that, so a late one creates nothing.</summary>
    static readonly TimeSpan AdmissionTimeout = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapProvisioning(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/provisioning").RequireAuthorization(AuthOptions.OperatorPolicy).WithTags("Provisioning")
            .AddEndpointFilter<TenantIdFilter>();

        group.MapPost("/provision", ProvisionAsync)
            .RequireRateLimiting(SignupRateLimit.Policy)
            .WithName("ProvisionTenant")
            .WithSummary("Sign a shop up: validates, admits, and starts provisioning on the shared or dedicated path.")
            .WithDescription("Answers 202 with a Location to watch, or 200 with the final result when `Prefer: wait=N` was sent and provisioning ended in time. adminPassword is in this answer only. With an `Idempotency-Key` header, repeating the request (even concurrently) gives the same tenant and the same answer; the key reused for a different signup is a 422.")
            .Produces<TenantProvisioningResult>(StatusCodes.Status202Accepted)
            .Produces<TenantProvisioningResult>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/{tenantId}", GetStatusAsync)
            .WithName("GetProvisioningStatus")
            .WithSummary("The provisioning result as far as it is known: status, log, URLs, resources.")
            .Produces<TenantProvisioningResult>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<IResult> ProvisionAsync(TenantProvisioningRequest? request, HttpContext http, IOptions<ProvisioningOptions> options,
        IRequestClient<ProvisionTenant> client, TenantCompletionNotifier notifier, ITenantRegistryApi registry, TimeProvider clock,
        IOptions<AuthOptions> auth, CrashPoints crashPoints, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (signup, errors) = SignupValidator.Validate(request, options.Value);
        var key = http.Request.Headers[IdempotentSignup.Header].ToString();
        var keyError = http.Request.Headers.ContainsKey(IdempotentSignup.Header) ? IdempotentSignup.Validate(key) : null;
        if (signup is null || keyError is not null)
        {
            var all = new Dictionary<string, string[]>(errors);
            if (keyError is not null)
            {
                all[IdempotentSignup.Header] = [keyError];
            }
            return TypedResults.ValidationProblem(all, title: "The signup is not valid");
        }

        var (tenantId, password, keyHash) = key.Length > 0
            ? IdempotentSignup.For(key, signup, auth.Value)
            : (TenantIds.Generate(signup.CompanyName), AdminPasswords.Generate(), null);
        var command = new ProvisionTenant
        {
            CorrelationId = TenantNames.CorrelationIdFor(tenantId),
            TenantId = tenantId,
            CompanyName = signup.CompanyName,
            SubscriptionTier = signup.SubscriptionTier,
            OwnerEmail = signup.OwnerEmail,
            CustomDomain = signup.CustomDomain,
            AdminPasswordHash = AdminPasswords.Hash(password),
            RequestedAt = clock.GetUtcNow(),
            IdempotencyKey = keyHash,
        };

        var wait = PreferWait.From(http.Request);
        using var waiter = wait is null ? null : notifier.TryRegister(tenantId);
        Response<TenantProvisioningAccepted, TenantRequestRejected>? response = null;
        try
        {
            response = await client.GetResponse<TenantProvisioningAccepted, TenantRequestRejected>(command, cancellationToken, RequestTimeout.After(s: (int)AdmissionTimeout.TotalSeconds));
        }
        catch (RequestTimeoutException)
        {
            // The registry may have committed the tenant and then lost its answer (a crash after the commit): its
            // record decides. Only a tenant the registry does not have was not created.
            var known = await registry.GetProvisioningAsync(tenantId, cancellationToken);
            if (!known.IsSuccessful || known.Content is null)
            {
                loggers.CreateLogger(nameof(ProvisioningEndpoints)).LogError("Signup {TenantId} was not admitted within {Timeout}", tenantId, AdmissionTimeout);
                return Problems.RegistryUnavailable($"The tenant registry did not answer within {AdmissionTimeout.TotalSeconds:0}s; nothing was created. Try again.");
            }
        }

        if (response is { } answer && answer.Is(out Response<TenantRequestRejected>? rejected))
        {
            return rejected.Message.Code switch
            {
                "duplicate" => Problems.DuplicateTenant(rejected.Message.Reason),
                "key-reused" => Problems.IdempotencyKeyReused(rejected.Message.Reason),
                "domain-taken" => Problems.CustomDomainTaken(rejected.Message.Reason),
                _ => Problems.SharedTierFull(rejected.Message.Reason),
            };
        }

        // Fault injection: the registry has the tenant, the client has no answer yet; its retry must find the same tenant.
        crashPoints.Reached("Signup.Accepted");

        if (waiter is not null)
        {
            PreferWait.Applied(http.Response, wait!.Value);
            // A repeated signup (Idempotency-Key, or a lost answer) may find its tenant already finished: its event will not come again.
            var repeated = key.Length > 0 || response is null;
            var finished = repeated && (await registry.GetAsync(tenantId, cancellationToken)).Content?.Status is TenantStatuses.Active or TenantStatuses.Failed;
            if (!finished)
            {
                await waiter.WaitAsync(wait.Value, cancellationToken);
            }
        }

        var location = $"/api/provisioning/{tenantId}";
        // The completion event carried the registry's result; without one (not waited, timed out, already finished) it is read.
        var recorded = waiter?.Result;
        if (recorded is null)
        {
            var status = await registry.GetProvisioningAsync(tenantId, cancellationToken);
            recorded = status.IsSuccessful ? status.Content : null;
        }
        var result = (recorded ?? new TenantProvisioningResult { Status = TenantStatuses.Provisioning, TenantId = tenantId, SubscriptionTier = signup.SubscriptionTier })
            with { AdminPassword = password };
        http.Response.Headers.Location = location;
        return result.Status == TenantStatuses.Provisioning ? TypedResults.Accepted(location, result) : TypedResults.Ok(result);
    }

    static async Task<IResult> GetStatusAsync(string tenantId, ITenantRegistryApi registry, CancellationToken cancellationToken)
    {
        var status = await registry.GetProvisioningAsync(tenantId, cancellationToken);
        return status.IsSuccessful && status.Content is not null ? TypedResults.Ok(status.Content) : Problems.TenantNotFound(tenantId);
    }
}
