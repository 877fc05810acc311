using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Gateway.Security;

namespace MechanicBuddy.Gateway.Audit;

/// <summary>
/// Records every change an operator asks of the Gateway (every /api call that is not a read), accepted or refused, in
/// the registry's append-only audit log before the answer leaves: who (token subject and role, or anonymous), what
/// (the endpoint's name), which tenant, the request id, the client address and the outcome with its reason. It runs
/// after authentication and before authorization, so refusals for a missing token or a read-only role are recorded
/// too. Reads are not recorded: they change nothing.
/// </summary>
public sealed class OperatorAuditMiddleware(RequestDelegate next, AuditRecorder recorder)
{
    public const string RequestIdHeader = "X-Request-ID";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = RequestIds.From(context.Request.Headers[RequestIdHeader].ToString());
        context.Response.Headers[RequestIdHeader] = requestId;
        if (OperatorAccess.IsRead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method)
            || !context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }
        // The answer is held back until it is recorded (its body also says why a refusal happened); these are small.
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        catch (Exception ex)
        {
            // The change may have been made before the answer broke (a caller gone during Prefer: wait, a registry
            // error after the command left): it is recorded all the same, as an error, and the exception goes on.
            context.Response.Body = original;
            await recorder.RecordAsync(AuditRecords.Of(context, requestId, [], failure: ex));
            throw;
        }
        context.Response.Body = original;
        await recorder.RecordAsync(AuditRecords.Of(context, requestId, buffer.ToArray()));
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }
}
