using System;
using System.Linq;
using Rvm.Imaging;
using Rvm.Inference;
using Rvm.Matting;
using Rvm.Threading;
using Xunit;

namespace Rvm.Tests;

/// <summary>-Background Blur on synthetic frames whose answers are known: no halo, no high frequencies, the subject untouched.</summary>
public sealed class BackgroundBlurTests
{
    private const int W = 200, H = 120;
    // The subject: a square of alpha 1.
    private const int X0 = 70, X1 = 130, Y0 = 30, Y1 = 90;

    private static bool Inside(int x, int y) => x >= X0 && x < X1 && y >= Y0 && y < Y1;

    private static float[] SquareAlpha()
    {
        var alpha = new float[W * H];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) alpha[y * W + x] = Inside(x, y) ? 1f : 0f;
        return alpha;
    }

    /// <summary>Planes G, B, R: <paramref name="background"/>(x, y) outside the square, the subject's colour inside.</summary>
    private static byte[] Frame(Func<int, int, byte> background, byte subject)
    {
        var frame = new byte[3 * W * H];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) frame[c * W * H + y * W + x] = Inside(x, y) ? subject : background(x, y);
        return frame;
    }

    /// <summary>The blurred background's rows: planes G, B, R one after the other.</summary>
    private static float[] Rows(BackgroundBlur blur)
    {
        var band = blur.CreateBand();
        var rows = new[] { new float[W], new float[W], new float[W] };
        var picture = new float[3 * W * H];
        for (int y = 0; y < H; y++)
        {
            blur.Row(band, y, rows[0], rows[1], rows[2]);
            for (int c = 0; c < 3; c++) rows[c].CopyTo(picture, c * W * H + y * W);
        }
        return picture;
    }

    [Fact]
    public void TheDefaultRadiusScalesWithTheHeight()
    {
        Assert.Equal(20, BackgroundBlur.DefaultRadius(1080));
        Assert.Equal(13, BackgroundBlur.DefaultRadius(720));
        Assert.Equal(40, BackgroundBlur.DefaultRadius(2160));
        Assert.Equal(1, BackgroundBlur.DefaultRadius(20));
        Assert.Equal(20, BackgroundBlur.RadiusFor(null, 1080));
        Assert.Equal(7, BackgroundBlur.RadiusFor(7, 1080));
        Assert.Equal(5, new BackgroundBlur(1920, 1080, 20).Factor);
        Assert.Equal(1, new BackgroundBlur(64, 48, 3).Factor);
    }

    [Fact]
    public void ARadiusOutOfRangeOrWithoutBlurIsRefusedNamingIt()
    {
        BackgroundBlur.Validate(null, Background.Default);
        BackgroundBlur.Validate(1, Background.Blur);
        BackgroundBlur.Validate(BackgroundBlur.MaxRadius, Background.Blur);
        Assert.Contains("BlurRadius 0 is out of range", Assert.Throws<ArgumentException>(() => BackgroundBlur.Validate(0, Background.Blur)).Message);
        Assert.Contains("BlurRadius 501 is out of range", Assert.Throws<ArgumentException>(() => BackgroundBlur.Validate(501, Background.Blur)).Message);
        var e = Assert.Throws<ArgumentException>(() => BackgroundBlur.Validate(20, Background.Transparent));
        Assert.Contains("-BlurRadius applies to -Background Blur", e.Message);
        Assert.Contains("Transparent", e.Message);
    }

    [Fact]
    public void BlurIsAKeywordAndAFileNamedBlurIsReachableAsAPath()
    {
        Assert.Equal(BackgroundKind.Blur, Background.Parse("blur", p => p).Kind);
        Assert.Equal("Blur", Background.Blur.ToString());
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rvm-blur-name-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(folder);
        try
        {
            var file = System.IO.Path.Combine(folder, "Blur");
            System.IO.File.WriteAllBytes(file, new byte[] { 1 });
            // Not a picture: refused as a file, which shows it was taken as one and not as the keyword.
            var e = Assert.ThrowsAny<Exception>(() => Background.Parse("./Blur", p => System.IO.Path.Combine(folder, p)));
            Assert.Contains(file, e.Message);
        }
        finally { System.IO.Directory.Delete(folder, true); }
    }

    [Theory]
    [InlineData(3)]  // full size
    [InlineData(20)] // 5 times smaller
    public void TheSubjectsColourDoesNotBleedIntoTheBackground(int radius)
    {
        // A dark background around a white subject: a plain blur makes a light halo 3·radius wide around it;
        // the normalised blur leaves the background dark right up to the subject.
        var blur = new BackgroundBlur(W, H, radius);
        blur.Prepare(Frame((x, y) => 40, 255), SquareAlpha());
        var picture = Rows(blur);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                if (!Inside(x, y)) Assert.InRange(picture[y * W + x], 39.5f / 255, 41f / 255); // a plain blur: (40 + 255) / 2 at the edge
    }

    [Fact]
    public void TheBackgroundsHighFrequenciesAreGone()
    {
        // A checkerboard of 1-pixel black and white squares blurs to an even grey.
        var blur = new BackgroundBlur(W, H, 12);
        var alpha = new float[W * H];
        blur.Prepare(Frame((x, y) => (byte)((x + y) % 2 == 0 ? 255 : 0), 255), alpha);
        // With alpha 0 everywhere, the subject's square is background too: look away from it.
        var picture = Rows(blur);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < 40; x++) Assert.InRange(picture[y * W + x], 0.47f, 0.53f);
        var flat = new BackgroundBlur(W, H, 12);
        flat.Prepare(Frame((x, y) => 90, 90), alpha);
        Assert.All(Rows(flat), v => Assert.InRange(v, 89.9f / 255, 90.1f / 255));
    }

    [Fact]
    public void TheComposerKeepsTheSubjectAndPutsTheBlurBehindIt()
    {
        // A full-size matte (the whole graph's path): the input frame travels with it for the blur.
        using var matte = new MatteBuffer(W, H, fp16: false);
        SquareAlpha().CopyTo(matte.Alpha, 0);
        Array.Fill(matte.Foreground, 250 / 255f);
        var frame = Frame((x, y) => (byte)((x / 2 + y / 2) % 2 == 0 ? 200 : 100), 250);
        using var composer = new FrameComposer(W, H, Background.Blur, true, false, false, null, 3, blurRadius: 10);
        composer.Compose(matte, null, frame);
        int plane = W * H;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                {
                    byte v = composer.Composition[c * plane + y * W + x];
                    if (Inside(x, y)) Assert.Equal(250, v);
                    else Assert.InRange(v, 140, 160); // the 2-pixel checks of 200 and 100, blurred to their mean
                }
        // A frame allocates nothing once the buffers are made.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++) composer.Compose(matte, null, frame);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BandsGiveTheSameBlurAsOneThread()
    {
        var frame = new byte[3 * W * H];
        new Random(5).NextBytes(frame);
        var alpha = SquareAlpha();
        var one = new BackgroundBlur(W, H, 16);
        one.Prepare(frame, alpha);
        using var runner = new BandRunner(3, "test blur");
        var three = new BackgroundBlur(W, H, 16, runner);
        three.Prepare(frame, alpha);
        Assert.Equal(Rows(one), Rows(three));
    }
}
