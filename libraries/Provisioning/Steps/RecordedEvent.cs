using System.Text.Json;

namespace MechanicBuddy.Provisioning.Steps;

/// <summary>An outcome event as the inbox keeps it, so a redelivered command can publish exactly what the first run published.</summary>
public sealed record RecordedEvent(string Type, string Json)
{
    public static RecordedEvent Of<T>(T message) where T : class => new(typeof(T).FullName!, JsonSerializer.Serialize(message));

    public (object Message, Type MessageType) Restore()
    {
        var type = typeof(Contracts.ProvisionTenant).Assembly.GetType(Type) ?? throw new InvalidOperationException($"unknown event type {Type}");
        return (JsonSerializer.Deserialize(Json, type)!, type);
    }
}
