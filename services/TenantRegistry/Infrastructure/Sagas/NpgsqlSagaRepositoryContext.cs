using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Saga;

namespace MechanicBuddy.TenantRegistry.Infrastructure.Sagas;

/// <summary>The saga repository as one consumed message sees it: loads, adds, saves, updates and deletes in that message's transaction.</summary>
public sealed class NpgsqlSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISagaVersion
    where TMessage : class
{
    readonly NpgsqlSagaDatabaseContext<TSaga> database;
    readonly ConsumeContext<TMessage> consumeContext;
    readonly ISagaConsumeContextFactory<NpgsqlSagaDatabaseContext<TSaga>, TSaga> factory;

    public NpgsqlSagaRepositoryContext(NpgsqlSagaDatabaseContext<TSaga> database, ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<NpgsqlSagaDatabaseContext<TSaga>, TSaga> factory)
        : base(consumeContext, database)
    {
        this.database = database;
        this.consumeContext = consumeContext;
        this.factory = factory;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> context, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(database, context, instance, mode);

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        factory.CreateSagaConsumeContext(database, consumeContext, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        await database.InsertAsync(instance, CancellationToken);
        return await factory.CreateSagaConsumeContext(database, consumeContext, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await database.LoadAsync(correlationId, CancellationToken);
        return instance is null
            ? default!
            : await factory.CreateSagaConsumeContext(database, consumeContext, instance, SagaConsumeContextMode.Load);
    }

    public Task Save(SagaConsumeContext<TSaga> context) => database.InsertAsync(context.Saga, CancellationToken);

    public Task Update(SagaConsumeContext<TSaga> context) => database.UpdateAsync(context.Saga, CancellationToken);

    public Task Delete(SagaConsumeContext<TSaga> context) => database.DeleteAsync(context.Saga, CancellationToken);

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Task.CompletedTask;
}

/// <summary>The repository outside a message: what the test harness and tooling use to load and query sagas.</summary>
public sealed class NpgsqlSagaRepositoryContext<TSaga>(NpgsqlSagaDatabaseContext<TSaga> database, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), QuerySagaRepositoryContext<TSaga>, LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISagaVersion
{
    public async Task<TSaga> Load(Guid correlationId) => (await database.LoadAsync(correlationId, CancellationToken))!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken = default)
    {
        var instances = await database.QueryAsync(query.FilterExpression, cancellationToken);
        return new LoadedSagaRepositoryQueryContext<TSaga>(this, instances);
    }
}
