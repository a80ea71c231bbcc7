using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

// Loads the built module's Rvm.Engine.dll on this (the oldest declared) runtime and runs the engine's JSON paths:
// an ffprobe answer for a real video, and a TensorFlow.js model.json. Exit code 0 when both work.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: RuntimeLoadTest <module folder> <video file>");
    return 2;
}
var moduleFolder = Path.GetFullPath(args[0]);
var video = Path.GetFullPath(args[1]);
Console.WriteLine($"Runtime: .NET {Environment.Version}");

// PowerShell resolves a module's dependencies from the module's folder only when the runtime has no copy of its own.
AssemblyLoadContext.Default.Resolving += (context, name) =>
{
    var candidate = Path.Combine(moduleFolder, name.Name + ".dll");
    return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
};
var engine = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.Combine(moduleFolder, "Rvm.Engine.dll"));
const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;

try
{
    var probe = engine.GetType("Rvm.Media.MediaProbe", throwOnError: true)!.GetMethod("Probe", Any)!;
    var info = probe.Invoke(null, new object[] { video })!;
    var width = info.GetType().GetProperty("Width")!.GetValue(info);
    var height = info.GetType().GetProperty("Height")!.GetValue(info);
    Console.WriteLine($"MediaProbe.Probe: {Path.GetFileName(video)} is {width}x{height}");

    var folder = Directory.CreateTempSubdirectory("rvm-load-test-").FullName;
    try
    {
        var modelJson = Path.Combine(folder, "model.json");
        File.WriteAllText(modelJson, "{\"format\":\"graph-model\",\"modelTopology\":{\"node\":[]},\"weightsManifest\":[{\"paths\":[\"group1-shard1of1.bin\"],\"weights\":[]}]}");
        File.WriteAllBytes(Path.Combine(folder, "group1-shard1of1.bin"), new byte[4]);
        var shardPaths = engine.GetType("Rvm.Conversion.TfjsGraphModel", throwOnError: true)!.GetMethod("ShardPaths", Any)!;
        var shards = (System.Collections.Generic.IReadOnlyList<string>)shardPaths.Invoke(null, new object[] { modelJson, File.ReadAllBytes(modelJson) })!;
        Console.WriteLine($"TfjsGraphModel.ShardPaths: {string.Join(", ", shards.Select(Path.GetFileName))}");
    }
    finally { Directory.Delete(folder, true); }
}
catch (TargetInvocationException e)
{
    Console.Error.WriteLine($"FAILED on .NET {Environment.Version}: {e.InnerException}");
    return 1;
}
var json = AppDomain.CurrentDomain.GetAssemblies().First(a => a.GetName().Name == "System.Text.Json");
Console.WriteLine($"System.Text.Json loaded: {json.GetName().Version} from {json.Location}");
Console.WriteLine("OK");
return 0;
