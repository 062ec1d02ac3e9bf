namespace AkkaSockets.Cli.Tests.Operations;

/// <summary><c>dotnet pack</c> makes a .NET tool: installed into a tool path, it runs as <c>akkasockets</c>.</summary>
public sealed class ToolPackageSpecs : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("akkasockets-tool-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_packed_tool_installs_into_a_tool_path_and_answers_its_version()
    {
        var none = new Dictionary<string, string>();
        var project = Path.Combine(RepositoryRoot(), "src", "AkkaSockets.Cli", "AkkaSockets.Cli.csproj");
        // The configuration these tests were built in: the CLI's build output is already there.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var packages = Path.Combine(_work, "nupkg");
        var tools = Path.Combine(_work, "tools");

        var pack = await CliRun.ExecAsync(CliRun.DotnetHost(), none, "pack", project, "-c", configuration, "--no-build", "-o", packages);
        Assert.True(pack.ExitCode == 0, string.Join('\n', pack.Stdout.Concat(pack.Stderr)));
        Assert.Single(Directory.GetFiles(packages, "akkasockets.*.nupkg"));

        var install = await CliRun.ExecAsync(
            CliRun.DotnetHost(), none, "tool", "install", "--tool-path", tools, "--add-source", packages, "--ignore-failed-sources", "akkasockets");
        Assert.True(install.ExitCode == 0, string.Join('\n', install.Stdout.Concat(install.Stderr)));

        var version = await CliRun.ExecAsync(Path.Combine(tools, "akkasockets"), none, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^1\.0\.0(\+[0-9a-f]+)?$", Assert.Single(version.Stdout));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AkkaSockets.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"no AkkaSockets.sln above {AppContext.BaseDirectory}");
    }
}
