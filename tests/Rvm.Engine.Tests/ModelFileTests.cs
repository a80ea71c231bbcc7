using System;
using System.IO;
using System.Text;
using Rvm.Conversion;
using Rvm.Models;
using Xunit;

namespace Rvm.Tests;

/// <summary>TensorFlow.js model files that lie: weight specs larger than their shards, shards that lead out of the folder.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"rvm-files-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string ModelJson(string shape, string dtype = "float32", string quantization = "", string shard = "w.bin") =>
        "{\"format\":\"graph-model\",\"modelTopology\":{\"node\":[]},\"weightsManifest\":[{\"paths\":[\"" + shard + "\"]," +
        "\"weights\":[{\"name\":\"w\",\"dtype\":\"" + dtype + "\",\"shape\":" + shape + quantization + "}]}]}";

    [Theory]
    // 65536 * 65536 is 2^32, 0 in 32-bit arithmetic; 2^30 * 4 elements of 4 bytes is 2^34 bytes.
    [InlineData("[65536,65536]", "")]
    [InlineData("[1073741824,4]", "")]
    [InlineData("[1073741824,2]", ",\"quantization\":{\"dtype\":\"uint16\",\"scale\":1,\"min\":0}")]
    public void AWeightSpecLargerThanItsShardsIsRefused(string shape, string quantization)
    {
        var json = Encoding.UTF8.GetBytes(ModelJson(shape, quantization: quantization));
        var e = Assert.Throws<InvalidDataException>(() => TfjsGraphModel.Parse(json, _ => new byte[16]));
        Assert.Contains("Weight 'w'", e.Message);
        Assert.Contains("16 bytes", e.Message);
    }

    [Fact]
    public void ASpecThatFitsItsShardsIsRead()
    {
        var graph = TfjsGraphModel.Parse(Encoding.UTF8.GetBytes(ModelJson("[2,2]")), _ => new byte[16]);
        Assert.Equal(4, graph.Weights["w"].Floats.Length);
    }

    [Fact]
    public void ANegativeOrHugeDimensionIsRefused()
    {
        foreach (var shape in new[] { "[-1,4]", "[4294967296]" })
        {
            var e = Assert.Throws<InvalidDataException>(() => TfjsGraphModel.Parse(Encoding.UTF8.GetBytes(ModelJson(shape)), _ => new byte[16]));
            Assert.Contains("which is not a size", e.Message);
        }
    }

    [Fact]
    public void AWeightsFileThatIsALinkOutOfTheFolderIsRefused()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_dir, "outside")).FullName;
        File.WriteAllBytes(Path.Combine(outside, "w.bin"), new byte[16]);
        var model = Directory.CreateDirectory(Path.Combine(_dir, "model")).FullName;
        var json = Path.Combine(model, "model.json");

        File.CreateSymbolicLink(Path.Combine(model, "w.bin"), Path.Combine(outside, "w.bin"));
        File.WriteAllText(json, ModelJson("[2,2]"));
        var file = Assert.Throws<InvalidDataException>(() => TfjsGraphModel.ShardPaths(json, File.ReadAllBytes(json)));
        Assert.Contains($"goes through the link '{Path.Combine(model, "w.bin")}'", file.Message);

        // A linked folder on the way is refused as well, and Import-RvmModel -Path (the resolver) says the same.
        Directory.CreateSymbolicLink(Path.Combine(model, "sub"), outside);
        File.WriteAllText(json, ModelJson("[2,2]", shard: "sub/w.bin"));
        var resolver = new ModelResolver(new ModelCache(Path.Combine(_dir, "cache")));
        var folder = Assert.Throws<InvalidDataException>(() => resolver.Resolve(new ModelRequest { Path = model }));
        Assert.Contains($"goes through the link '{Path.Combine(model, "sub")}'", folder.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "cache", "converted")));
    }

    [Fact]
    public void APlainWeightsFileInsideTheFolderIsAccepted()
    {
        var json = Path.Combine(_dir, "model.json");
        File.WriteAllText(json, ModelJson("[2,2]"));
        File.WriteAllBytes(Path.Combine(_dir, "w.bin"), new byte[16]);
        Assert.Equal(new[] { Path.Combine(_dir, "w.bin") }, TfjsGraphModel.ShardPaths(json, File.ReadAllBytes(json)));
    }
}
