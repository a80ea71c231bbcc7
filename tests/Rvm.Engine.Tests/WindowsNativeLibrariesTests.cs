using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Rvm.Inference;
using Xunit;

namespace Rvm.Tests;

/// <summary>The Windows library checks' decisions, with the file system given; the shipped win-x64 DLLs are read as bytes.</summary>
public sealed class WindowsNativeLibrariesTests
{
    private static readonly IReadOnlyList<string> Folders =
        WindowsDllSearch.Folders(@"C:\Users\me\Documents\PowerShell\Modules\Rvm\0.1.0", @"C:\Windows\system32", "\"C:\\CUDA\\v13.0\\bin\";C:\\bad|entry;;C:\\cudnn\\bin");

    private static Func<string, bool> Present(params string[] paths) =>
        p => paths.Any(q => string.Equals(p, q, StringComparison.OrdinalIgnoreCase));

    private static string[] AllOf(string folder, IEnumerable<string> names) => names.Select(n => Path.Combine(folder, n)).ToArray();

    [Fact]
    public void SearchesTheModuleThenSystem32ThenPath()
    {
        Assert.Equal(new[] { @"C:\Users\me\Documents\PowerShell\Modules\Rvm\0.1.0", @"C:\Windows\system32", @"C:\CUDA\v13.0\bin", @"C:\cudnn\bin" }, Folders);
    }

    [Fact]
    public void AnOldVisualCppRuntimeIsNamedWithItsFix()
    {
        var old = AllOf(@"C:\Windows\system32", new[] { "VCRUNTIME140.dll", "MSVCP140.dll", "MSVCP140_1.dll" });
        var problem = WindowsNativeLibraries.VisualCppProblem(Folders, Present(old));
        Assert.NotNull(problem);
        Assert.Contains("VCRUNTIME140_1.dll, MSVCP140_ATOMIC_WAIT.dll were not found", problem);
        Assert.Contains("Visual C++ 2015-2022 Redistributable", problem);
        Assert.DoesNotContain("MSVCP140.dll,", problem);
        Assert.Null(WindowsNativeLibraries.VisualCppProblem(Folders, Present(AllOf(@"C:\Windows\system32", WindowsNativeLibraries.VisualCppRuntime))));
    }

    [Fact]
    public void TheCudaProbeNamesTheMissingLibraryFoundNowhereOnPath()
    {
        var runtime = AllOf(@"C:\Windows\system32", WindowsNativeLibraries.VisualCppRuntime);
        var cuda = AllOf(@"C:\CUDA\v13.0\bin", new[] { "cudart64_13.dll", "cublas64_13.dll", "cublasLt64_13.dll", "cufft64_12.dll" });
        var reason = NativeLibraryProbe.WindowsReason("onnxruntime_providers_cuda.dll", 126, Folders, Present(runtime.Concat(cuda).ToArray()));
        Assert.StartsWith("cudnn64_9.dll was not found", reason);

        var everything = runtime.Concat(cuda).Concat(AllOf(@"C:\cudnn\bin", new[] { "cudnn64_9.dll" })).ToArray();
        Assert.Null(NativeLibraryProbe.WindowsReason("onnxruntime_providers_cuda.dll", 0, Folders, Present(everything)));
        Assert.Contains("Windows error 1114", NativeLibraryProbe.WindowsReason("onnxruntime_providers_cuda.dll", 1114, Folders, Present(everything)));
        Assert.Contains("Visual C++", NativeLibraryProbe.WindowsReason("onnxruntime_providers_cuda.dll", 126, Folders, Present(cuda)));
    }

    [Fact]
    public void TheNamesAreThoseTheShippedWindowsLibrariesUse()
    {
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "win-x64", "native");
        var core = NamesIn(Path.Combine(native, "onnxruntime.dll"), WindowsNativeLibraries.VisualCppRuntime);
        var cuda = NamesIn(Path.Combine(native, "onnxruntime_providers_cuda.dll"), WindowsNativeLibraries.VisualCppRuntime.Concat(NativeLibraryProbe.WindowsCudaLibraries));
        foreach (var name in WindowsNativeLibraries.VisualCppRuntime) Assert.True(core.Contains(name) || cuda.Contains(name), name);
        foreach (var name in NativeLibraryProbe.WindowsCudaLibraries) Assert.Contains(name, cuda);
    }

    /// <summary>Which of the names a file holds as ASCII text, case ignored (import tables and LoadLibrary strings).</summary>
    private static HashSet<string> NamesIn(string path, IEnumerable<string> names)
    {
        var wanted = names.Distinct().Select(n => (Name: n, Bytes: Encoding.ASCII.GetBytes(n.ToLowerInvariant()))).ToList();
        var found = new HashSet<string>();
        var buffer = new byte[4 << 20];
        int overlap = wanted.Max(n => n.Bytes.Length), carried = 0;
        using var stream = File.OpenRead(path);
        int read;
        while ((read = stream.Read(buffer, carried, buffer.Length - carried)) > 0)
        {
            int length = carried + read;
            for (int i = carried; i < length; i++)
                if (buffer[i] >= 'A' && buffer[i] <= 'Z') buffer[i] += 'a' - 'A';
            var chunk = buffer.AsSpan(0, length);
            foreach (var (name, bytes) in wanted)
                if (chunk.IndexOf(bytes) >= 0) found.Add(name);
            carried = Math.Min(overlap, length);
            Buffer.BlockCopy(buffer, length - carried, buffer, 0, carried);
        }
        return found;
    }
}
