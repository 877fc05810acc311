using System.Text.Json;

namespace MechanicBuddy.TenantRegistry.Infrastructure.Sagas;

/// <summary>How saga state is written to and read from its JSONB column: one setting for the store and every reader.</summary>
public static class SagaJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General);
}
