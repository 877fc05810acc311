using MassTransit;
using MechanicBuddy.Contracts;

namespace MechanicBuddy.ServiceDefaults;

/// <summary>
/// The path-neutral answers of the workers travel on an exchange per path ("MechanicBuddy.Contracts:TenantSideBuilt.shared",
/// "….dedicated"): each worker publishes its answers to its own path's exchanges, only it may write them
/// (scripts/broker-users.tsv), and the registry binds both to the saga's queue. The exchange a delivery came through is
/// set by the broker, so it tells the registry which worker sent the answer (see the registry's WorkerOrigin).
/// </summary>
public static class WorkerAnswerExchanges
{
    public static readonly IReadOnlyList<Type> Answers =
        [typeof(TenantSideBuilt), typeof(TenantSideBuildFailed), typeof(TenantSideRemoved), typeof(TenantAccessSet), typeof(TenantAccessFailed)];

    public static readonly IReadOnlyList<string> Paths = ["shared", "dedicated"];

    public static string For(Type answer, string path) => $"{answer.Namespace}:{answer.Name}.{path}";

    /// <summary>The path whose worker alone writes this exchange, or null when it is no worker's answer exchange.</summary>
    public static string? PathOf(string? exchange) =>
        exchange is null ? null : Answers.SelectMany(a => Paths.Select(p => (Path: p, Name: For(a, p)))).FirstOrDefault(e => e.Name == exchange).Path;

    /// <summary>A worker's bus: its answers go to its path's exchanges.</summary>
    public static void PublishAs(IRabbitMqBusFactoryConfigurator bus, string path)
    {
        Name<TenantSideBuilt>(bus, path);
        Name<TenantSideBuildFailed>(bus, path);
        Name<TenantSideRemoved>(bus, path);
        Name<TenantAccessSet>(bus, path);
        Name<TenantAccessFailed>(bus, path);
    }

    /// <summary>The registry's saga queue: bound to every path's answer exchanges.</summary>
    public static void BindAll(IRabbitMqReceiveEndpointConfigurator endpoint)
    {
        foreach (var exchange in Answers.SelectMany(a => Paths.Select(p => For(a, p))))
        {
            endpoint.Bind(exchange);
        }
    }

    static void Name<T>(IRabbitMqBusFactoryConfigurator bus, string path) where T : class =>
        bus.Message<T>(message => message.SetEntityName(For(typeof(T), path)));
}
