using System.Net;
using System.Net.Http.Json;
using MechanicBuddy.Contracts.Http;
using MechanicBuddy.Tenancy;
using static MechanicBuddy.IntegrationTests.EndToEnd.GatewayCalls;

namespace MechanicBuddy.IntegrationTests.EndToEnd;

/// <summary>
/// The tenant list as an operator pages a large fleet: filters that combine, a search by id or company name, and
/// cursor pages that neither repeat nor skip a tenant even while new ones sign up between pages.
/// </summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class TenantListTests(ControlPlaneFixture plane)
{
    async Task<string> SignUpAsync(string company)
    {
        var result = await ResultAsync(await GatewayCalls.SignUpAsync(plane.Client, new { companyName = company, subscriptionTier = "free", ownerEmail = $"{Guid.NewGuid():N}@list.example" }));
        Assert.Equal(TenantStatuses.Active, result.Status);
        return result.TenantId;
    }

    async Task<(List<TenantDto> Page, string? Next)> PageAsync(string query)
    {
        using var response = await plane.Client.GetAsync($"/api/tenants?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var next = response.Headers.TryGetValues(TenantListQuery.NextCursorHeader, out var values) ? values.Single() : null;
        return ((await response.Content.ReadFromJsonAsync<List<TenantDto>>(Json))!, next);
    }

    [Fact]
    public async Task Cursor_pages_cover_every_match_once_newest_first_even_with_signups_between_pages()
    {
        var word = $"pager{Guid.NewGuid():N}"[..13];
        var signedUp = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            signedUp.Add(await SignUpAsync($"{word} Motors {i}"));
        }

        var (first, cursor) = await PageAsync($"q={word}&limit=2");
        Assert.Equal([signedUp[4], signedUp[3]], first.Select(t => t.Id));
        Assert.NotNull(cursor);
        // A tenant that signs up now is newer than the cursor: the pages after it do not shift.
        var late = await SignUpAsync($"{word} Motors late");
        var seen = first.Select(t => t.Id).ToList();
        while (cursor is not null)
        {
            var (page, next) = await PageAsync($"q={word}&limit=2&after={cursor}");
            seen.AddRange(page.Select(t => t.Id));
            cursor = next;
        }

        Assert.Equal(Enumerable.Reverse(signedUp), seen);
        Assert.DoesNotContain(late, seen);
        // The search also finds a tenant by the beginning of its id.
        Assert.Equal([signedUp[2]], (await PageAsync($"q={signedUp[2]}")).Page.Select(t => t.Id));
    }

    [Fact]
    public async Task Filters_combine_and_a_full_last_page_is_the_only_one_without_a_cursor()
    {
        var word = $"filter{Guid.NewGuid():N}"[..14];
        var mine = new[] { await SignUpAsync($"{word} Garage A"), await SignUpAsync($"{word} Garage B") };

        var (shared, cursor) = await PageAsync($"q={word}&tier=free&pool=default&deploymentMode=shared&status=Active&limit=2");
        Assert.Equal(mine.Reverse(), shared.Select(t => t.Id));
        Assert.NotNull(cursor); // the page is full: there may be more
        var (after, last) = await PageAsync($"q={word}&tier=free&limit=2&after={cursor}");
        Assert.Empty(after);
        Assert.Null(last);
        Assert.Empty((await PageAsync($"q={word}&tier=professional")).Page);
        Assert.Empty((await PageAsync($"q={word}&deploymentMode=dedicated")).Page);
        Assert.Empty((await PageAsync($"q={word}&status=Suspended")).Page);
    }

    [Fact]
    public async Task Bad_list_parameters_are_a_400_naming_each_one()
    {
        using var response = await plane.Client.GetAsync("/api/tenants?tier=platinum&deploymentMode=cloud&limit=0&after=not-a-cursor&offset=5");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemAsync(response)).GetProperty("errors");
        foreach (var field in new[] { "tier", "deploymentMode", "limit", "after", "offset" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
    }
}
