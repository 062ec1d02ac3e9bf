using System.Globalization;
using Microsoft.Diagnostics.Tracing;

// AllocTicks TRACE.nettrace [SESSIONS] [TOP]
// The runtime raises GCAllocationTick about every 100 KB allocated, naming the type of the object
// that crossed the mark; summed by type this is a sampled picture of what was allocated.
//
// AllocTicks --gc TRACE.nettrace LOAD_START_UNIX_SECONDS
// Every collection in a trace of the GC keyword: when it started, counted from the load's start,
// its generation and reason, how long the runtime was suspended, and what it promoted.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: AllocTicks TRACE.nettrace [SESSIONS] [TOP] | AllocTicks --gc TRACE.nettrace LOAD_START_UNIX_SECONDS");
    return 2;
}

if (args[0] == "--gc" && args.Length == 3)
    return GcTimeline(args[1], double.Parse(args[2], CultureInfo.InvariantCulture));

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

static int GcTimeline(string trace, double loadStartUnix)
{
    var loadStart = DateTime.UnixEpoch.AddSeconds(loadStartUnix);
    double Since(DateTime t) => (t.ToUniversalTime() - loadStart).TotalMilliseconds;
    DateTime? suspended = null;
    string pending = "";
    double paused = 0;
    var count = 0;
    using (var source = new EventPipeEventSource(trace))
    {
        source.Clr.GCSuspendEEStart += e => suspended ??= e.TimeStamp;
        source.Clr.GCStart += e => pending = string.Create(CultureInfo.InvariantCulture, $"gen{e.Depth} {e.Reason} {e.Type}");
        source.Clr.GCHeapStats += e => pending += string.Create(
            CultureInfo.InvariantCulture,
            $", promoted {(e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2) / 1048576.0:F1} MiB, gen0 after {e.GenerationSize0 / 1048576.0:F1} MiB");
        source.Clr.GCRestartEEStop += e =>
        {
            if (suspended is not { } start)
                return;
            var pause = (e.TimeStamp - start).TotalMilliseconds;
            paused += pause;
            count++;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"at {Since(start),8:F0} ms from the load's start: paused {pause,6:F1} ms  {pending}"));
            suspended = null;
            pending = "";
        };
        source.Process();
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} suspensions, {paused:F1} ms in all"));
    return 0;
}
