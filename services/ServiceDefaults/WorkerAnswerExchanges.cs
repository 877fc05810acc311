using MassTransit;
using MechanicBuddy.Contracts;
using MechanicBuddy.Tenancy;

namespace MechanicBuddy.ServiceDefaults;

/// <summary>
/// The path-neutral answers of the workers travel on an exchange per path ("MechanicBuddy.Contracts:TenantSideBuilt.shared",
/// "….dedicated"): each worker publishes its answers to its own path's exchanges, only it may write them
/// (scripts/broker-users.tsv), and the registry binds both to the saga's queue. The exchange a delivery came through is
/// set by the broker, so it tells the registry which worker sent the answer (see the registry's WorkerOrigin).
/// </summary>
public static class WorkerAnswerExchanges
{
    /// <summary>The answers about a tenant's side, taken by the saga.</summary>
    public static readonly IReadOnlyList<Type> SideAnswers =
        [typeof(TenantSideBuilt), typeof(TenantSideBuildFailed), typeof(TenantSideRemoved), typeof(TenantAccessSet), typeof(TenantAccessFailed)];

    /// <summary>The answers to a fleet rollout's migrations, taken by the registry's rollout.</summary>
    public static readonly IReadOnlyList<Type> FleetAnswers = [typeof(TenantSchemaMigrated), typeof(TenantSchemaMigrationFailed)];

    public static readonly IReadOnlyList<Type> Answers = [.. SideAnswers, .. FleetAnswers];

    public static IReadOnlyList<string> Paths => DeploymentModes.All;

    /// <summary>Every answer exchange and the path whose worker alone writes it (looked up for every answer the registry takes).</summary>
    static readonly IReadOnlyDictionary<string, string> PathByExchange =
        Answers.SelectMany(answer => Paths.Select(path => (Exchange: For(answer, path), Path: path))).ToDictionary(e => e.Exchange, e => e.Path, StringComparer.Ordinal);

    public static string For(Type answer, string path) => $"{answer.Namespace}:{answer.Name}.{path}";

    /// <summary>The path whose worker alone writes this exchange, or null when it is no worker's answer exchange.</summary>
    public static string? PathOf(string? exchange) => exchange is not null && PathByExchange.TryGetValue(exchange, out var path) ? path : null;

    /// <summary>A worker's bus: its answers go to its path's exchanges.</summary>
    public static void PublishAs(IRabbitMqBusFactoryConfigurator bus, string path)
    {
        Name<TenantSideBuilt>(bus, path);
        Name<TenantSideBuildFailed>(bus, path);
        Name<TenantSideRemoved>(bus, path);
        Name<TenantAccessSet>(bus, path);
        Name<TenantAccessFailed>(bus, path);
        Name<TenantSchemaMigrated>(bus, path);
        Name<TenantSchemaMigrationFailed>(bus, path);
    }

    /// <summary>A registry queue: bound to every path's exchanges of these answers.</summary>
    public static void BindAll(IRabbitMqReceiveEndpointConfigurator endpoint, IReadOnlyList<Type> answers)
    {
        foreach (var exchange in answers.SelectMany(answer => Paths.Select(path => For(answer, path))))
        {
            endpoint.Bind(exchange);
        }
    }

    static void Name<T>(IRabbitMqBusFactoryConfigurator bus, string path) where T : class =>
        bus.Message<T>(message => message.SetEntityName(For(typeof(T), path)));
}
