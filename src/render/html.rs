//! The HTML site: one file per page, the theme's special pages, static assets.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::prelude::*;
use tera::{Context, Value};

use super::context::{Languages, page_context};
use super::shortcodes::add_tel_links;
use super::special::{Changes, HandbookParts};
use super::theme::Theme;
use super::{Renderer, Scope};
use crate::content::{PageKind, Site};
use crate::diagnostics::{Diagnostic, Location};
use crate::output::{Committed, Staging, file_for_url};

/// How many pages the special pages list when `check` renders them to find template errors.
const CHECKED_PAGES: usize = 50;

/// Template contexts built once per build, one per language; each rendering thread copies
/// them once ([`PageContexts`]).
pub struct Shared {
    contexts: Vec<LanguageContext>,
    pub(super) languages: Languages,
}

struct LanguageContext {
    code: String,
    plain: Context,
    /// `plain` with the language's data, made when a page first needs it: serializing every
    /// contact table is most of a live rebuild's first half on a big site, whose edited page
    /// rarely shows them.
    with_data: OnceLock<Context>,
    /// `partials/sections_menu.html` for each top section's URL (`""` for none): the same for
    /// every page of a section, and rendered per page it was a tenth of the page's time.
    menus: HashMap<String, String>,
}

impl Shared {
    fn language_index(&self, lang: &str) -> usize {
        self.contexts
            .iter()
            .position(|l| l.code == lang)
            .unwrap_or(0)
    }

    fn language(&self, lang: &str) -> &LanguageContext {
        &self.contexts[self.language_index(lang)]
    }

    /// What every template of `lang` sees, with the language's data.
    pub(super) fn with_data(&self, site: &Site, lang: &str) -> &Context {
        let found = self.language(lang);
        found
            .with_data
            .get_or_init(|| data_context(site, &found.code, &found.plain))
    }
}

/// `plain` with `lang`'s data and where each placed item is.
fn data_context(site: &Site, lang: &str, plain: &Context) -> Context {
    let mut context = plain.clone();
    let mut data = serde_json::to_value(site.data_in(lang)).expect("serializable");
    add_tel_links(&mut data);
    context.insert("data", &data);
    // Anchor of each placed data item → its URL, so the theme can link to it from anywhere.
    let data_urls: std::collections::BTreeMap<String, String> = site
        .placements_in(lang)
        .keys()
        .filter_map(|item| {
            let anchor = item.anchor();
            let url = site.data_url(lang, item, &anchor)?;
            Some((anchor, site.config.href(&url).into_owned()))
        })
        .collect();
    context.insert("data_urls", &data_urls);
    context
}

/// A rendering thread's own copies of the shared contexts, reused from page to page: a page
/// sets only its `page` and sections menu, where copying the whole context per page (the
/// site's settings, `nav`, the languages) cost about a twentieth of its rendering.
#[derive(Default)]
pub struct PageContexts {
    /// By language (its index in `Shared`) and whether it holds the language's data.
    copies: HashMap<(usize, bool), Context>,
}

/// The context variable holding the rendered sections menu.
const SECTIONS_MENU: &str = "sections_menu";

pub struct HtmlRenderer {
    pub theme: Theme,
    /// The handbook's parts in each language as the output holds them, so that a live
    /// rebuild renders again only the parts an edit changes.
    handbook: Committed<HandbookParts>,
}

impl HtmlRenderer {
    pub fn new(theme: Theme) -> HtmlRenderer {
        HtmlRenderer {
            theme,
            handbook: Committed::default(),
        }
    }
}

impl Renderer for HtmlRenderer {
    fn name(&self) -> &'static str {
        "html"
    }

    fn render(&self, site: &Site, out: &Staging, scope: Scope) -> Result<String, Vec<Diagnostic>> {
        let shared = self.shared_context(site).map_err(|e| vec![e])?;
        if let Scope::Edited { edited } = scope {
            return self.render_edited(site, &shared, out, edited);
        }
        let contents = tracing::debug_span!("contents").in_scope(|| self.page_contents(site))?;
        let all: Vec<usize>;
        let pages = match scope {
            Scope::Site => {
                all = (0..site.pages.len()).collect();
                &all
            }
            Scope::Pages { edited, .. } | Scope::Edited { edited } => edited,
        };
        // The special pages first: a handbook part is the largest context there is, and
        // rendered beside the last pages it met tantivy's commit, the build's peak of memory
        // (10,000 pages: 275 → 242 MB; 50,000: 1,018 → 965 MB, in the same time).
        let write_special = |path: &str, text: &str| {
            out.write(path, text.as_bytes())
                .map_err(|e| io_error(path, e))
        };
        // A body edit leaves every handbook part without an edited page as it was, unless the
        // parts themselves moved.
        let kept_parts = self.handbook.get();
        let changes = match scope {
            Scope::Pages { edited, .. } => Some(Changes {
                edited,
                parts: &kept_parts,
            }),
            _ => None,
        };
        let special = tracing::debug_span!("special").in_scope(|| {
            self.render_special_of(
                site,
                &shared,
                &contents,
                usize::MAX,
                changes,
                &write_special,
            )
        });
        let special = special.map(|parts| {
            for gone in super::special::removed_parts(site, &kept_parts, &parts) {
                out.remove(&gone);
            }
            self.handbook.set_at_commit(out, parts);
        });
        let written = pages
            .par_iter()
            .map_init(PageContexts::default, |contexts, &index| {
                let html = self.render_page(site, &shared, contexts, index, &contents[index])?;
                let url = &site.pages[index].url;
                out.write(&file_for_url(url), html.as_bytes())
                    .map_err(|e| io_error(url, e))
            })
            .collect::<Vec<Result<(), Diagnostic>>>();
        collect_errors(written)?;
        special?;
        if let Scope::Pages { .. } = scope {
            // Body edits change no asset.
            return Ok(format!("{} pages", pages.len()));
        }
        let copies: Vec<Result<(), Diagnostic>> = self
            .theme
            .static_files
            .par_iter()
            .map(|file| {
                file.publish(&self.theme.files, out)
                    .map_err(|e| io_error(&file.out, e))
            })
            .chain(self.theme.languages.par_iter().map(|l| {
                out.write(&l.strings_asset, l.strings_script.as_bytes())
                    .map_err(|e| io_error(&l.strings_asset, e))
            }))
            .chain(site.assets.par_iter().map(|from| {
                let rel = from.strip_prefix(site.config.content_dir()).unwrap_or(from);
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.copy(from, &rel).map_err(|e| io_error(&rel, e))
            }))
            .collect();
        collect_errors(copies)?;
        Ok(format!("{} pages", site.pages.len()))
    }
}

impl HtmlRenderer {
    /// Only the `edited` pages, each with its own body: the special pages, which need every
    /// body, come in the second half of the live rebuild.
    fn render_edited(
        &self,
        site: &Site,
        shared: &Shared,
        out: &Staging,
        edited: &[usize],
    ) -> Result<String, Vec<Diagnostic>> {
        let written: Vec<Result<(), Diagnostic>> = edited
            .par_iter()
            .map_init(PageContexts::default, |contexts, &index| {
                let page = &site.pages[index];
                let content = self.fill_shortcodes(site, page)?;
                let html = self.render_page(site, shared, contexts, index, &content)?;
                out.write(&file_for_url(&page.url), html.as_bytes())
                    .map_err(|e| io_error(&page.url, e))
            })
            .collect();
        collect_errors(written)?;
        Ok(format!("{} pages", edited.len()))
    }

    /// Every page's body: its Markdown HTML with shortcodes filled. The special pages (handbook,
    /// feed) reuse them.
    pub fn page_contents<'a>(&self, site: &'a Site) -> Result<Vec<Cow<'a, str>>, Vec<Diagnostic>> {
        let contents: Vec<Result<Cow<'a, str>, Diagnostic>> = site
            .pages
            .par_iter()
            .map(|page| self.fill_shortcodes(site, page))
            .collect();
        collect_errors(contents)
    }

    /// One page's HTML document.
    pub fn render_page(
        &self,
        site: &Site,
        shared: &Shared,
        contexts: &mut PageContexts,
        index: usize,
        content: &str,
    ) -> Result<String, Diagnostic> {
        let page = &site.pages[index];
        // The site's data is large on a big site: only pages that may show it see it.
        let needs_data = page.kind == PageKind::Home || page.front.template.is_some();
        let at = shared.language_index(&page.lang);
        let language = &shared.contexts[at];
        let context = contexts.copies.entry((at, needs_data)).or_insert_with(|| {
            if needs_data {
                shared.with_data(site, &page.lang).clone()
            } else {
                language.plain.clone()
            }
        });
        let page_context = page_context(site, &shared.languages, index, content);
        let top = page_context.top_section.as_deref().unwrap_or("");
        // A top section the menu does not list shows the menu with none current.
        let menu = language.menus.get(top).unwrap_or(&language.menus[""]);
        context.insert(SECTIONS_MENU, menu);
        context.insert("page", &page_context);
        let template = page.front.template.as_deref().unwrap_or(match page.kind {
            PageKind::Home => "index.html",
            PageKind::Section => "section.html",
            PageKind::Page => "page.html",
        });
        self.render_template(template, &page.lang, context)
            .map_err(|d| {
                let hint = format!("while rendering `{}` ({})", page.url, page.path);
                d.with_hint(hint)
            })
    }

    /// Render, in memory, one page of each template and the special pages, so that `check`
    /// fails on a template error as `build` does, without rendering the whole site.
    pub fn check_templates(&self, site: &Site) -> Vec<Diagnostic> {
        let shared = match self.shared_context(site) {
            Ok(shared) => shared,
            Err(e) => return vec![e],
        };
        let mut seen = std::collections::HashSet::new();
        // A `template:` the theme lacks is `missing-template` already.
        let samples: Vec<usize> = (0..site.pages.len())
            .filter(|&i| {
                let page = &site.pages[i];
                let exists = page
                    .front
                    .template
                    .as_deref()
                    .is_none_or(|t| self.theme.has_template(t));
                exists && seen.insert((page.kind, page.front.template.clone(), &page.lang))
            })
            .collect();
        // Bodies with their shortcodes filled for the sampled pages only; a shortcode that
        // names nothing is the loader's error already.
        let mut contents: Vec<Cow<str>> = site
            .pages
            .iter()
            .map(|page| Cow::Borrowed(page.markdown.html.as_str()))
            .collect();
        for &i in &samples {
            if let Ok(filled) = self.fill_shortcodes(site, &site.pages[i]) {
                contents[i] = filled;
            }
        }
        let mut contexts = PageContexts::default();
        let rendered: Vec<Result<String, Diagnostic>> = samples
            .iter()
            .map(|&i| self.render_page(site, &shared, &mut contexts, i, &contents[i]))
            .collect();
        let mut errors = collect_errors(rendered).err().unwrap_or_default();
        // The special pages with a few pages each: a template error shows on the first, and
        // the handbook of 10,000 pages costs what checking the rest of the site does.
        let nowhere: super::special::Sink = &|_, _| Ok(());
        errors.extend(
            self.render_special_of(site, &shared, &contents, CHECKED_PAGES, None, nowhere)
                .err()
                .unwrap_or_default(),
        );
        errors
    }

    /// What every template sees, per language: the site's settings in that language, the
    /// navigation and its rendered menus, the languages. The language's data, for the home
    /// page, pages with their own template and the special pages, comes when first asked
    /// ([`Shared::with_data`]).
    pub fn shared_context(&self, site: &Site) -> Result<Shared, Diagnostic> {
        let languages = Languages::new(site, &self.theme);
        let switcher: Vec<Value> = self
            .theme
            .languages
            .iter()
            .map(|l| {
                let home = &site.pages[site.home_of(&l.code)].url;
                serde_json::json!({
                    "lang": l.code,
                    "name": l.name,
                    "url": site.config.href(home),
                    "permalink": site.config.permalink(home),
                })
            })
            .collect();
        let contexts = self
            .theme
            .languages
            .iter()
            .map(|theme| {
                let lang = theme.code.as_str();
                let mut context = Context::new();
                context.insert("site", &site.config.localized(lang));
                // Where the language's pages are: a path for links (`/help/es`), and the
                // absolute URL for feeds and canonical links.
                let prefix = site.config.prefix(lang);
                context.insert("base_path", &site.config.base_path);
                context.insert("lang_prefix", &format!("{}{prefix}", site.config.base_path));
                context.insert("lang_url", &format!("{}{prefix}", site.config.base_url));
                context.insert("languages", &switcher);
                context.insert("js_strings", &theme.js_strings);
                context.insert(
                    "strings_script",
                    &format!("{}/{}", site.config.base_path, theme.strings_asset),
                );
                let home = &site.pages[site.home_of(lang)];
                let nav: Vec<Value> = home
                    .children
                    .iter()
                    .map(|&i| {
                        let section = &site.pages[i];
                        serde_json::json!({
                            "title": section.title(),
                            "url": site.config.href(&section.url),
                            "description": section.front.description,
                            "is_section": section.is_section(),
                        })
                    })
                    .collect();
                context.insert("nav", &nav);
                let menus = self.sections_menus(&mut context, lang, &nav)?;
                Ok(LanguageContext {
                    code: lang.to_string(),
                    plain: context,
                    with_data: OnceLock::new(),
                    menus,
                })
            })
            .collect::<Result<_, Diagnostic>>()?;
        Ok(Shared {
            contexts,
            languages,
        })
    }

    /// The sections menu as each top section's pages show it (that section current), by the
    /// section's URL; `context` gets the one with none current, for the special pages.
    fn sections_menus(
        &self,
        context: &mut Context,
        lang: &str,
        nav: &[Value],
    ) -> Result<HashMap<String, String>, Diagnostic> {
        let tops = nav.iter().filter_map(|item| item["url"].as_str());
        std::iter::once("")
            .chain(tops)
            .map(|top| {
                context.insert("top", top);
                let menu = self.render_template("partials/sections_menu.html", lang, context)?;
                Ok((top.to_string(), menu.trim_end().to_string()))
            })
            .collect::<Result<HashMap<_, _>, _>>()
            .map(|menus| {
                context.remove("top");
                context.insert(SECTIONS_MENU, &menus[""]);
                menus
            })
    }

    pub(super) fn render_template(
        &self,
        name: &str,
        lang: &str,
        context: &Context,
    ) -> Result<String, Diagnostic> {
        self.theme
            .in_lang(lang)
            .tera
            .render(name, context)
            .map_err(|e| self.theme.template_error(name, &e))
    }
}

fn io_error(what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "io",
        Location::file(what),
        format!("cannot write the output: {e}"),
    )
}

/// The values, or every distinct error: a template error repeated on many pages is one
/// error, whose hint names the first page and counts the others.
pub(super) fn collect_errors<T>(
    results: Vec<Result<T, Diagnostic>>,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut ok = Vec::with_capacity(results.len());
    let mut errors: Vec<(Diagnostic, usize)> = Vec::new();
    for result in results {
        match result {
            Ok(v) => ok.push(v),
            Err(e) => match errors.iter_mut().find(|(first, _)| same_cause(first, &e)) {
                Some((_, again)) => *again += 1,
                None => errors.push((e, 0)),
            },
        }
    }
    if errors.is_empty() {
        return Ok(ok);
    }
    Err(errors
        .into_iter()
        .map(|(mut d, again)| {
            if again > 0 {
                let others = crate::diagnostics::plural(again, "other page");
                d.hint = Some(format!("{}, and on {others}", d.hint.unwrap_or_default()));
            }
            d
        })
        .collect())
}

/// One mistake met again: the same message at the same place, or any message at the same line
/// (a partial that page.html and section.html include fails as `Failed to render 'page.html'`
/// and as `… 'section.html'`).
fn same_cause(first: &Diagnostic, again: &Diagnostic) -> bool {
    first.code == again.code
        && first.location == again.location
        && (first.message == again.message || first.location.line.is_some())
}
