namespace MechanicBuddy.Provisioning.Secrets;

/// <summary>Where tenant credentials live. Only references to them ever leave the provisioner.</summary>
public interface ITenantSecretStore
{
    /// <summary>The tenant's database password, generated on first use and the same on every later call.</summary>
    Task<string> GetOrCreateDatabasePasswordAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>A named random secret of the tenant (e.g. its dedicated instance's superuser password), stable once created.</summary>
    Task<string> GetOrCreateSecretAsync(string tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Removes every secret of the tenant.</summary>
    Task DeleteAsync(string tenantId, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Every tenant that has secrets here (for the drift check).</summary>
    IReadOnlyList<string> ListTenants();

    /// <summary>A reference the registry may record (never the secret itself).</summary>
    string Reference(string tenantId);
}

public static class TenantSecretStoreExtensions
{
    /// <summary>The tenant's database password if it has one; null otherwise (a reader must not make a login that matches no role).</summary>
    public static async Task<string?> ExistingDatabasePasswordAsync(this ITenantSecretStore secrets, string tenantId, CancellationToken cancellationToken) =>
        await secrets.ExistsAsync(tenantId, cancellationToken) ? await secrets.GetOrCreateDatabasePasswordAsync(tenantId, cancellationToken) : null;
}
