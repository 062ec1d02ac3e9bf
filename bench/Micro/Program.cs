using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Micro -- --filter '*'   (or bench/Micro/run.sh)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
