using System.Globalization;
using Microsoft.Diagnostics.Tracing;

// AllocTicks TRACE.nettrace [SESSIONS] [TOP]
// The runtime raises GCAllocationTick about every 100 KB allocated, naming the type of the object
// that crossed the mark; summed by type this is a sampled picture of what was allocated.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: AllocTicks TRACE.nettrace [SESSIONS] [TOP]");
    return 2;
}

var sessions = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1;
var top = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
var byType = new Dictionary<string, long>();
long total = 0;
using (var source = new EventPipeEventSource(args[0]))
{
    source.Clr.GCAllocationTick += e =>
    {
        var name = e.TypeName ?? "?";
        byType[name] = byType.GetValueOrDefault(name) + e.AllocationAmount64;
        total += e.AllocationAmount64;
    };
    source.Process();
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled {total / 1048576.0:F1} MiB, {(double)total / sessions:F0} B per session"));
foreach (var (name, bytes) in byType.OrderByDescending(p => p.Value).Take(top))
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * bytes / total,6:F1}% {(double)bytes / sessions,8:F0} B/session  {name}"));
return 0;
