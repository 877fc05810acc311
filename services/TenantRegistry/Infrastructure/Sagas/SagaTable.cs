using MassTransit;

namespace MechanicBuddy.TenantRegistry.Infrastructure.Sagas;

/// <summary>
/// How a saga type is stored: the whole instance as JSON in "data", plus columns projected from it for constraints
/// and queries. Every table has correlation_id (key), version (optimistic concurrency) and data.
/// </summary>
public abstract class SagaTable<TSaga> where TSaga : class, ISagaVersion
{
    public abstract string Name { get; }

    public abstract IReadOnlyList<SagaColumn<TSaga>> Columns { get; }
}

public sealed record SagaColumn<TSaga>(string Name, Func<TSaga, object?> Value);
