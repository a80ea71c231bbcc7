using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Rvm.Batch;
using Rvm.Imaging;
using Rvm.Matting;
using Rvm.Media;
using Rvm.Models;
using Xunit;

namespace Rvm.Tests;

public sealed class BatchPlanTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"rvm-batchplan-{Guid.NewGuid():N}");

    public BatchPlanTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    private string File(string name)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllBytes(path, new byte[] { 1 });
        return path;
    }

    /// <summary>Every property set away from its default, so one the JSON drops comes back different.</summary>
    private ConversionRequest Full(Background background, bool pngSequence) => new ConversionRequest
    {
        Input = Path.Combine(_folder, "in 'quoted' ü.mp4"),
        CompositionPath = Path.Combine(_folder, "c.mov"),
        AlphaPath = Path.Combine(_folder, "a.mkv"),
        ForegroundPath = Path.Combine(_folder, "f.webm"),
        PngSequence = pngSequence,
        Background = background,
        BlurRadius = 35,
        DownsampleRatio = 0.3125f,
        ResizeWidth = 640,
        ResizeHeight = 360,
        ImageSequenceFrameRate = new Rational(30000, 1001),
        VideoBitrateMbps = 7.25,
        Quality = 23,
        HardwareVideo = true,
        ErrorTolerance = DecodeErrorTolerance.Conceal,
        MaxMemoryBytes = 8L << 30,
        CheckpointFrames = 450,
        Segments = 3,
        PreRollFrames = 15,
        SegmentLength = TimeSpan.FromMinutes(10.5),
        Matte = new MatteControls { Grow = -3, Feather = 2, ThresholdLow = 0.125f, ThresholdHigh = 0.875f, TemporalSmoothing = 0.85f },
    };

    private static void AssertSameRequest(ConversionRequest expected, ConversionRequest actual)
    {
        foreach (var p in typeof(ConversionRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.PropertyType == typeof(Background))
            {
                Assert.Equal(expected.Background.Kind, actual.Background.Kind);
                Assert.Equal(expected.Background.Colour, actual.Background.Colour);
                Assert.Equal(expected.Background.Path, actual.Background.Path);
            }
            else if (p.PropertyType == typeof(MatteControls))
            {
                foreach (var m in typeof(MatteControls).GetProperties())
                    Assert.True(Equals(m.GetValue(expected.Matte), m.GetValue(actual.Matte)), $"Matte.{m.Name}: {m.GetValue(expected.Matte)} became {m.GetValue(actual.Matte)}");
            }
            else Assert.True(Equals(p.GetValue(expected), p.GetValue(actual)), $"{p.Name}: {p.GetValue(expected)} became {p.GetValue(actual)}");
        }
    }

    private BatchPlan PlanOf(params ConversionRequest[] requests)
    {
        var plan = new BatchPlan
        {
            Destination = _folder,
            ModulePath = "/opt/rvm/Rvm.psd1",
            PowerShell = new[] { "/usr/bin/dotnet", "/tools/pwsh.dll" },
            Model = new ModelIdentity { Variant = RvmVariant.ResNet50, Precision = RvmPrecision.Fp16, Source = "/models/rvm.onnx", Sha256 = new string('a', 64), Path = "/models/rvm.onnx", Device = "Cpu" },
        };
        for (int i = 0; i < requests.Length; i++)
            plan.Entries.Add(new PlanEntry(i, requests[i], new OutputPolicy { Force = i % 2 == 0, SkipExisting = true, ExplicitPaths = i % 2 == 1, IncludeRvmOutputs = true }));
        return plan;
    }

    [Fact]
    public void EveryRequestPropertyIsSetAwayFromItsDefault()
    {
        // Guards the round trip below: a property left at its default would pass even if the JSON dropped it.
        var full = Full(Background.OfColour(new RgbColor(1, 2, 3)), true);
        var fresh = new ConversionRequest();
        foreach (var p in typeof(ConversionRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            Assert.False(Equals(p.GetValue(fresh), p.GetValue(full)), $"{p.Name} is at its default in the test request");
    }

    [Fact]
    public void PlanCarriesPrecisionInt8()
    {
        var plan = PlanOf(new[] { new ConversionRequest { Input = Path.Combine(_folder, "plain.mp4"), CompositionPath = Path.Combine(_folder, "plain.composition.mp4") } });
        plan.Model.Precision = RvmPrecision.Int8;
        Assert.Equal(RvmPrecision.Int8, BatchPlan.FromJson(plan.ToJson(), "test").Model.Precision);
        Assert.Null(BatchPlan.FromJson(plan.ToJson(), "test").PreviewFrames); // and no preview sheets unless asked
    }

    [Fact]
    public void PlanRoundTripsEveryOptionAndEveryKindOfBackground()
    {
        var requests = new[]
        {
            Full(Background.OfColour(new RgbColor(1, 2, 3)), true),
            Full(Background.Transparent, false),
            Full(Background.OfFile(File("beach.jpg")), false),
            Full(Background.OfFile(File("waves.mp4")), true),
            Full(Background.Blur, false),
            new ConversionRequest { Input = Path.Combine(_folder, "plain.mp4"), CompositionPath = Path.Combine(_folder, "plain.composition.mp4") },
        };
        var plan = PlanOf(requests);
        plan.PreviewFrames = 4;
        var back = BatchPlan.FromJson(plan.ToJson(), "test");
        Assert.Equal(4, back.PreviewFrames);

        Assert.Equal(plan.ToJson(), back.ToJson());
        Assert.Equal(plan.Id, back.Id);
        Assert.Equal(plan.ModuleVersion, back.ModuleVersion);
        Assert.Equal(plan.ModulePath, back.ModulePath);
        Assert.Equal(plan.PowerShell, back.PowerShell);
        foreach (var p in typeof(ModelIdentity).GetProperties())
            Assert.Equal(p.GetValue(plan.Model), p.GetValue(back.Model));
        Assert.Equal(requests.Length, back.Entries.Count);
        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Equal(i, back.Entries[i].Index);
            AssertSameRequest(requests[i], back.Entries[i].Request);
            foreach (var p in typeof(OutputPolicy).GetProperties())
                Assert.Equal(p.GetValue(plan.Entries[i].Policy), p.GetValue(back.Entries[i].Policy));
        }
        Assert.Equal(BackgroundKind.Video, back.Entries[3].Request.Background.Kind);
        Assert.Equal(BackgroundKind.Image, back.Entries[2].Request.Background.Kind);
        Assert.Equal(BackgroundKind.Blur, back.Entries[4].Request.Background.Kind);
        Assert.Null(back.Entries[5].Request.BlurRadius);
    }

    [Fact]
    public void AnUnreadablePlanIsAnErrorNamingIt()
    {
        var e = Assert.Throws<InvalidDataException>(() => BatchPlan.FromJson("{\"Id\": 1}", "/jobs/x/plan.json"));
        Assert.Contains("/jobs/x/plan.json", e.Message);
    }

    [Fact]
    public void AWorkerWithAnotherModuleVersionRefusesThePlanNamingBoth()
    {
        var plan = PlanOf(Full(Background.Transparent, false));
        plan.ModuleVersion = "9.9.9";
        var e = Assert.Throws<InvalidOperationException>(() => BatchTask.CheckVersion(plan, "/jobs/x/plan.json"));
        Assert.Contains("9.9.9", e.Message);
        Assert.Contains(BatchPlan.ThisModuleVersion, e.Message);
        Assert.Contains("/opt/rvm/Rvm.psd1", e.Message);
    }

    [Fact]
    public void TaskResultRoundTrips()
    {
        var task = new BatchTaskResult { Index = 3, Input = "/in/a.mp4", Host = "node1", ElapsedSeconds = 2.5, Error = "broken" };
        var back = BatchTaskResult.FromJson(task.ToJson(), "r");
        Assert.Equal(task.ToJson(), back.ToJson());
        Assert.False(back.Succeeded);
    }

    [Fact]
    public void SlurmScriptRunsTheRecordedPowerShellAndModuleOnTheJobFolder()
    {
        var plan = PlanOf(Full(Background.Transparent, false));
        var folder = new BatchFolder(Path.Combine(_folder, "job's"));
        var script = SlurmEngine.Script(plan, folder);
        Assert.StartsWith("#!/bin/bash\n", script);
        Assert.Contains($"#SBATCH --output={Path.Combine(folder.SlurmFolder, "%A_%a.out")}", script);
        var exec = script.Split('\n').Single(l => l.StartsWith("exec ", StringComparison.Ordinal));
        Assert.StartsWith("exec '/usr/bin/dotnet' '/tools/pwsh.dll' '-NoProfile' '-NonInteractive' '-Command' ", exec);
        // The job folder's quote is doubled for PowerShell, and the whole script quoted for bash.
        var powerShell = $"Import-Module '/opt/rvm/Rvm.psd1'; Invoke-RvmBatchTask -JobFolder '{folder.Path.Replace("'", "''")}'; if (-not $?) {{ exit 1 }}";
        Assert.EndsWith(" '" + powerShell.Replace("'", "'\\''") + "'", exec);
    }

    [Fact]
    public void KubernetesJobIsAnIndexedJobWithTheSharedVolumeAndTheTaskCommand()
    {
        var shared = Path.Combine(_folder, "shared");
        var requests = Enumerable.Range(0, 5).Select(i => new ConversionRequest
        {
            Input = Path.Combine(shared, "in", $"{i}.mp4"),
            CompositionPath = Path.Combine(shared, "out", $"{i}.composition.mp4"),
        }).ToArray();
        var plan = PlanOf(requests);
        plan.Destination = Path.Combine(shared, "out");
        var folder = new BatchFolder(Path.Combine(shared, "out", "job"));
        var yaml = KubernetesJob.Yaml(plan, folder, 2, "registry.example/rvm-worker:1", "media").Split('\n');

        Assert.Contains("apiVersion: batch/v1", yaml);
        Assert.Contains("kind: Job", yaml);
        Assert.Contains("  completionMode: Indexed", yaml);
        Assert.Contains("  completions: 5", yaml);
        Assert.Contains("  parallelism: 2", yaml);
        Assert.Contains($"  backoffLimitPerIndex: {KubernetesJob.RetriesPerIndex}", yaml);
        Assert.Contains("      restartPolicy: Never", yaml);
        Assert.Contains("          image: \"registry.example/rvm-worker:1\"", yaml);
        // The claim is mounted at the folder holding inputs, outputs and the job folder, so the plan's paths hold in the pod.
        Assert.Contains($"              mountPath: \"{shared}\"", yaml);
        Assert.Contains("            claimName: \"media\"", yaml);
        var command = yaml.SkipWhile(l => l != "          command:").Skip(1).TakeWhile(l => l.StartsWith("            - ", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "\"pwsh\"", "\"-NoProfile\"", "\"-NonInteractive\"", "\"-Command\"" }, command.Take(4).Select(l => l.Substring(14)));
        Assert.Contains($"Import-Module Rvm -RequiredVersion {plan.ModuleVersion}; Invoke-RvmBatchTask -JobFolder '{folder.Path}'", command[4]);
    }

    [Fact]
    public void PathsAreQuotedForPowerShellEvenWithTypographicQuotes()
    {
        // PowerShell ends a single-quoted string at ' and at each of U+2018..U+201B: all are doubled.
        Assert.Equal("'it''s'", WorkerCommand.PowerShellQuote("it's"));
        Assert.Equal("'a\u2019\u2019b\u2018\u2018c\u201B\u201Bd'", WorkerCommand.PowerShellQuote("a\u2019b\u2018c\u201Bd"));
        Assert.Equal("'$x; rm -rf /'", WorkerCommand.PowerShellQuote("$x; rm -rf /"));
        Assert.Equal("'it'\\''s'", WorkerCommand.ShellQuote("it's"));
    }
}
