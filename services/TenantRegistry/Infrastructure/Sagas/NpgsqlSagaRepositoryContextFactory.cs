using System.Data;
using MassTransit;
using MassTransit.Saga;
using MechanicBuddy.TenantRegistry.Infrastructure.Outbox;
using Npgsql;

namespace MechanicBuddy.TenantRegistry.Infrastructure.Sagas;

/// <summary>
/// Opens one connection and transaction per consumed message; the saga's changes commit only after the state
/// machine has run, and optimistic concurrency (the version column) turns a lost race into a retry.
/// </summary>
public sealed class NpgsqlSagaRepositoryContextFactory<TSaga>(
    NpgsqlDataSource dataSource,
    SagaTable<TSaga> table,
    ISagaConsumeContextFactory<NpgsqlSagaDatabaseContext<TSaga>, TSaga> factory,
    IOutboxCommitted? committed = null)
    : ISagaRepositoryContextFactory<TSaga>, IQuerySagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISagaVersion
{
    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        await using var database = await OpenAsync(context.CancellationToken);
        var repositoryContext = new NpgsqlSagaRepositoryContext<TSaga, T>(database, context, factory);
        await next.Send(repositoryContext);
        await database.CommitAsync(context.CancellationToken);
        if (committed is not null && database.Written.Count > 0)
        {
            await committed.DeliverCommittedAsync(database.Written, context.CancellationToken);
        }
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        await using var database = await OpenAsync(context.CancellationToken);
        var instances = await database.QueryAsync(query.FilterExpression, context.CancellationToken);
        var repositoryContext = new NpgsqlSagaRepositoryContext<TSaga, T>(database, context, factory);
        await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
        await database.CommitAsync(context.CancellationToken);
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteAsync(asyncMethod, cancellationToken);

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteAsync(asyncMethod, cancellationToken);

    public void Probe(ProbeContext context) => context.Add("persistence", "postgresql");

    async Task<T> ExecuteAsync<T>(Func<NpgsqlSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken)
    {
        await using var database = await OpenAsync(cancellationToken);
        var result = await asyncMethod(new NpgsqlSagaRepositoryContext<TSaga>(database, cancellationToken));
        await database.CommitAsync(cancellationToken);
        return result;
    }

    async Task<NpgsqlSagaDatabaseContext<TSaga>> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            return new NpgsqlSagaDatabaseContext<TSaga>(connection, transaction, table);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
