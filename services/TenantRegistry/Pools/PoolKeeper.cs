using MechanicBuddy.Tenancy.Configuration;
using Microsoft.Extensions.Options;

namespace MechanicBuddy.TenantRegistry.Pools;

/// <summary>
/// Grows the shared tier ahead of demand: after signups take slots (nudged) and every
/// <c>Provisioning:FreeTier:PoolCheckSeconds</c>, it keeps the headroom of pools with room and finishes any pool a
/// crash left half-prepared. Off while no server is configured.
/// </summary>
public sealed class PoolKeeper(IServiceProvider services, IOptions<ProvisioningOptions> options, ILogger<PoolKeeper> logger) : BackgroundService
{
    readonly SemaphoreSlim _nudged = new(0, 1);

    /// <summary>Asks for a check soon (a slot was taken); several nudges before it runs are one check.</summary>
    public void Nudge()
    {
        if (_nudged.CurrentCount == 0)
        {
            try
            {
                _nudged.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var freeTier = options.Value.FreeTier;
        if (freeTier.Servers.Count == 0)
        {
            return;
        }
        var growth = services.GetRequiredService<PoolGrowth>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await growth.EnsureHeadroomAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Shared pool headroom check failed; trying again");
            }
            try
            {
                await _nudged.WaitAsync(TimeSpan.FromSeconds(freeTier.PoolCheckSeconds), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
