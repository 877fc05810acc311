using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace MechanicBuddy.IntegrationTests.Support;

/// <summary>
/// A real headless Chromium (Debian's chromium and chromedriver) at a laptop's screen size, for the console's tests.
/// Screenshots go to $MB_VAR/screenshots; docs/screenshots holds copies of the main pages.
/// </summary>
public sealed class ChromiumBrowser : IDisposable
{
    public const string Binary = "/usr/bin/chromium";
    public const string DriverBinary = "/usr/bin/chromedriver";
    public IWebDriver Driver { get; }
    public static string ScreenshotDirectory => Path.Combine(TestEnvironment.VarDirectory, "screenshots");

    public ChromiumBrowser()
    {
        if (!File.Exists(Binary) || !File.Exists(DriverBinary))
        {
            throw new InvalidOperationException($"{Binary} and {DriverBinary} are needed (scripts/install-deps.sh installs chromium and chromium-driver)");
        }
        var options = new ChromeOptions { BinaryLocation = Binary };
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1366,900", "--lang=en-US");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverBinary)!, Path.GetFileName(DriverBinary));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public void Open(Uri url) => Driver.Navigate().GoToUrl(url);

    /// <summary>Waits until the condition holds (or fails with what the page showed).</summary>
    public T Until<T>(Func<IWebDriver, T?> condition, int seconds = 60)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { PollingInterval = TimeSpan.FromMilliseconds(100) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        try
        {
            return wait.Until(d => condition(d))!;
        }
        catch (WebDriverTimeoutException)
        {
            Screenshot("timeout-" + Guid.NewGuid().ToString("N")[..6]);
            throw new WebDriverTimeoutException($"timed out; the page said: {Driver.FindElement(By.TagName("main")).Text}");
        }
    }

    public IWebElement Find(string css) => Until(d => d.FindElement(By.CssSelector(css)));

    /// <summary>Finds the element and acts on it, again if the page redrew it in between (a live page does).</summary>
    public void Act(string css, Action<IWebElement> action) => Until(d =>
    {
        action(d.FindElement(By.CssSelector(css)));
        return true;
    });

    public string Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
