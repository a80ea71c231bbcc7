using System.Linq;
using Rvm.Diagnostics;
using Rvm.Inference;
using Rvm.Models;
using Xunit;
using Xunit.Abstractions;

namespace Rvm.Tests;

/// <summary>
/// -Precision Int8 on the real model against TensorFlow.js (tests/golden), on the golden cases below ratio 1, where the
/// int8 coefficient cut runs (ratio 1 runs the fp32 graph). The first run quantizes into the model cache (about a
/// minute on 2 cores); later runs load it.
/// </summary>
[Collection("model")]
public sealed class Int8FidelityTests
{
    /// <summary>The bound issue 13 sets for int8: alpha MAE against TensorFlow.js.</summary>
    private const double AlphaMaeBound = 5e-3;

    private readonly ModelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public Int8FidelityTests(ModelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void Int8MatchesTensorFlowJsWithinItsBound()
    {
        // The fp32 CPU model is the reference: the device check's GPU and fp16 passes do not run this.
        if (ModelFixture.ExpectCuda || ModelFixture.Precision != RvmPrecision.Fp32) return;
        var resolved = new ModelResolver(ModelCache.Default()).Resolve(new ModelRequest { Precision = RvmPrecision.Int8 });
        using var int8 = RvmModel.Load(resolved, new SessionSettings { Device = ExecutionDevice.Auto });
        Assert.Equal(RvmPrecision.Int8, int8.Precision);
        Assert.Equal("CPU", int8.Device);
        Assert.NotNull(int8.CoefficientSession);
        foreach (var c in PrecisionFidelity.Cases.Where(c => c.Ratio < 1))
        {
            var result = PrecisionFidelity.Measure(int8, _fixture.Model, TestData.Golden(), c.Input, c.RatioFolder, c.Ratio, c.Frames);
            _output.WriteLine($"{result.Case}: int8 alpha MAE {result.AlphaMae:E2} max {result.AlphaMax:E2}; fp32 {result.ReferenceAlphaMae:E2} max {result.ReferenceAlphaMax:E2}; " +
                $"mean |Δα| {result.MeanFrameChange:E2} (fp32 {result.ReferenceMeanFrameChange:E2}), |Δα − Δα fp32| {result.FrameChangeError:E2}");
            Assert.True(result.AlphaMae <= AlphaMaeBound, $"{result.Case}: int8 alpha MAE {result.AlphaMae} exceeds {AlphaMaeBound}");
            // Quantized, not a copy of fp32.
            Assert.True(result.AlphaMae > 10 * result.ReferenceAlphaMae, $"{result.Case}: int8 matches fp32 exactly; is the cut quantized?");
        }
    }

    [Fact]
    public void QuantizingAgainGivesTheSameBytes()
    {
        if (_fixture.Resolved.CoefficientsPath == null) return;
        var json = ModelCache.Default().PathOf("tfjs", "human-models-3.0.4", ModelCatalog.TfjsModelJson.FileName);
        var shared = QuantizedModelCache.GetOrQuantize(json, _fixture.Resolved.CoefficientsPath, ModelCache.Default(), ModelLog.None);
        var home = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"rvm-int8-{System.Guid.NewGuid():N}");
        try
        {
            var again = QuantizedModelCache.GetOrQuantize(json, _fixture.Resolved.CoefficientsPath, new ModelCache(home), ModelLog.None);
            Assert.Equal(System.IO.Path.GetFileName(shared), System.IO.Path.GetFileName(again));
            Assert.Equal(FileHash.Sha256(shared), FileHash.Sha256(again));
            // Nothing but the entry and its hash: no temporary left behind.
            Assert.Equal(2, System.IO.Directory.GetFiles(System.IO.Path.GetDirectoryName(again)!).Length);

            // A damaged entry (a disk error, a hand edit) is quantized again, not loaded.
            System.IO.File.WriteAllBytes(again, new byte[] { 1, 2, 3 });
            var repaired = QuantizedModelCache.GetOrQuantize(json, _fixture.Resolved.CoefficientsPath, new ModelCache(home), ModelLog.None);
            Assert.Equal(again, repaired);
            Assert.Equal(FileHash.Sha256(shared), FileHash.Sha256(repaired));
        }
        finally
        {
            if (System.IO.Directory.Exists(home)) System.IO.Directory.Delete(home, true);
        }
    }
}
