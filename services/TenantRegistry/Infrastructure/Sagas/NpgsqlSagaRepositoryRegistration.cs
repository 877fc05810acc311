using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MechanicBuddy.TenantRegistry.Infrastructure.Sagas;

public static class NpgsqlSagaRepositoryRegistration
{
    /// <summary>Stores the saga in PostgreSQL through the registry's NpgsqlDataSource, in the table <typeparamref name="TTable"/> describes.</summary>
    public static ISagaRegistrationConfigurator<TSaga> NpgsqlRepository<TSaga, TTable>(this ISagaRegistrationConfigurator<TSaga> configurator)
        where TSaga : class, ISagaVersion
        where TTable : SagaTable<TSaga>, new()
    {
        configurator.Repository(r =>
        {
            r.TryAddSingleton<SagaTable<TSaga>, TTable>();
            r.RegisterLoadSagaRepository<TSaga, NpgsqlSagaRepositoryContextFactory<TSaga>>();
            r.RegisterQuerySagaRepository<TSaga, NpgsqlSagaRepositoryContextFactory<TSaga>>();
            r.RegisterSagaRepository<TSaga, NpgsqlSagaDatabaseContext<TSaga>, SagaConsumeContextFactory<NpgsqlSagaDatabaseContext<TSaga>, TSaga>,
                NpgsqlSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}
