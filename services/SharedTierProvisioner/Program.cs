using MechanicBuddy.SharedTierProvisioner.Api;
using MechanicBuddy.ServiceDefaults;
using MechanicBuddy.SharedTierProvisioner.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddSharedTierProvisioner();

var app = builder.Build();
app.MapServiceDefaults();
app.MapInventory();
await app.WarnAboutFaultInjectionAsync();
await app.RunAsync();

public partial class Program;
