//! The loaded files, and THE policy for how their layers combine: which layer wins when an
//! OpenStreetMap extract and a user's own files are both loaded, and how an admin unit's known
//! population is spread over an extract's buildings. The page and the command line both load
//! through [`Dataset`], so they always see the same layers.

use crate::engine::io::osm::{OsmRef, OsmWarning, PopulationSource};
use crate::engine::model::{AdminUnit, Layers, Source};
use serde::{Deserialize, Serialize};

impl Layers {
    /// Appends the layers `keep` selects (roads, facilities, settlements, admin units) of
    /// `other`, and all its skipped features and notes.
    fn append(&mut self, other: &Layers, keep: Kept) {
        if keep.roads {
            self.roads.extend(other.roads.iter().cloned());
        }
        if keep.facilities {
            self.facilities.extend(other.facilities.iter().cloned());
        }
        if keep.settlements {
            self.settlements.extend(other.settlements.iter().cloned());
        }
        if keep.admin {
            self.admin.extend(other.admin.iter().cloned());
        }
        self.skipped.extend(other.skipped.iter().cloned());
        self.notes.extend(other.notes.iter().cloned());
    }
}

/// Which of a file's layers are in use (see [`Dataset::layers`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Kept {
    roads: bool,
    facilities: bool,
    settlements: bool,
    admin: bool,
}

impl Kept {
    const ALL: Kept = Kept {
        roads: true,
        facilities: true,
        settlements: true,
        admin: true,
    };
}

/// A loaded file: its name and what was recognised in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadedFile {
    /// The file name as the user gave it.
    pub name: String,
    /// What it held.
    pub layers: Layers,
    /// Read from an OpenStreetMap extract (its data needs the OSM attribution, and a user's
    /// own settlements replace the extract's).
    #[serde(default)]
    pub osm: bool,
    /// Its settlements' populations are estimates (from buildings).
    #[serde(default)]
    pub population_estimated: bool,
    /// An extract's residential buildings, kept so that admin populations the user loads can
    /// be spread over them (see [`Dataset::layers`]).
    #[serde(skip)]
    pub buildings: Vec<crate::engine::io::osm::ResidentialBuilding>,
    /// The floor area per resident the extract was read with, m².
    #[serde(default = "default_floor_area")]
    pub floor_m2_per_person: f64,
    /// An extract's own account of itself: where its residents come from, the OSM element
    /// behind each feature, and what its reader warned of (see [`Dataset::layers_and_warnings`]).
    #[serde(skip)]
    pub extract: Option<ExtractFacts>,
}

/// What an OpenStreetMap extract's reader said about it, kept with the loaded file.
#[derive(Clone, Debug, PartialEq)]
pub struct ExtractFacts {
    /// Where the extract's own residents come from.
    pub population_source: PopulationSource,
    /// The OSM element behind every feature: [`Source::feature`] indexes this.
    pub elements: Vec<OsmRef>,
    /// The reader's warnings.
    pub warnings: Vec<OsmWarning>,
}

/// How many features of each layer are in use, and how many were skipped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerCounts {
    /// Roads.
    pub roads: usize,
    /// Facilities.
    pub facilities: usize,
    /// Settlements.
    pub settlements: usize,
    /// Admin units.
    pub admin: usize,
    /// Features skipped, with their reasons.
    pub skipped: usize,
}

/// A warning of an extract's reader that still applies, with the extract's name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExtractWarning {
    /// The extract's file name.
    pub file: String,
    /// The warning, as data.
    pub warning: OsmWarning,
}

/// Where the residents counted come from when an OpenStreetMap extract is loaded: THE answer,
/// for the page and the command line alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PopulationOrigin {
    /// The extract's own (place nodes, or its buildings).
    Extract(PopulationSource),
    /// The user's settlements layer, which replaces the extract's.
    UserSettlements,
    /// The extract's buildings, with the populations of the user's admin units spread over
    /// them.
    BuildingsInUserAdmin,
}

impl PopulationOrigin {
    /// The id the report gives it (`population_source`).
    pub fn id(self) -> &'static str {
        match self {
            PopulationOrigin::Extract(PopulationSource::PlaceNodes) => "osm_place_nodes",
            PopulationOrigin::Extract(PopulationSource::BuildingEstimate) => {
                "osm_building_estimate"
            }
            PopulationOrigin::Extract(PopulationSource::None) => "none",
            PopulationOrigin::UserSettlements => "settlements_layer",
            PopulationOrigin::BuildingsInUserAdmin => "osm_building_estimate_in_admin_layer",
        }
    }

    /// Whether the extract's settlements in use are estimates from buildings.
    pub fn estimated(self) -> bool {
        match self {
            PopulationOrigin::Extract(s) => s == PopulationSource::BuildingEstimate,
            PopulationOrigin::BuildingsInUserAdmin => true,
            PopulationOrigin::UserSettlements => false,
        }
    }
}

impl LoadedFile {
    /// A file of plain layers (not an extract).
    fn plain(name: &str, layers: Layers) -> LoadedFile {
        LoadedFile {
            name: name.to_string(),
            layers,
            osm: false,
            population_estimated: false,
            buildings: Vec::new(),
            floor_m2_per_person: default_floor_area(),
            extract: None,
        }
    }

    /// An OpenStreetMap extract, read with `options`.
    fn extract(
        name: &str,
        import: crate::engine::io::osm::OsmImport,
        options: &crate::engine::io::osm::OsmOptions,
    ) -> LoadedFile {
        LoadedFile {
            name: name.to_string(),
            population_estimated: import.population_source == PopulationSource::BuildingEstimate,
            layers: import.layers,
            osm: true,
            buildings: import.buildings,
            floor_m2_per_person: options.floor_m2_per_person,
            extract: Some(ExtractFacts {
                population_source: import.population_source,
                elements: import.elements,
                warnings: import.warnings,
            }),
        }
    }
}

fn default_floor_area() -> f64 {
    crate::engine::io::osm::DEFAULT_FLOOR_M2_PER_PERSON
}

/// All loaded files. Loading a file whose name is already loaded replaces it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// The files, in load order; [`Source::file`] indexes this.
    pub files: Vec<LoadedFile>,
    /// The what-if edits applied over the files' layers ([`crate::engine::edits`]), checked
    /// when set ([`Dataset::set_edits`]).
    #[serde(default)]
    edits: Vec<crate::engine::edits::Edit>,
}

impl Dataset {
    /// Reads the file `name` holding `bytes`, in whichever format it is
    /// ([`crate::engine::io::read`]), and adds it under `name`, replacing a file of the same
    /// name. On error the dataset is unchanged.
    pub fn load_file(
        &mut self,
        name: &str,
        bytes: &[u8],
        options: &crate::engine::io::ReadOptions,
    ) -> Result<&LoadedFile, crate::engine::io::ReadError> {
        let import = crate::engine::io::read(name, bytes, self.file_id(name), options)?;
        Ok(self.put_import(name, import, &options.osm))
    }

    /// The file index the file `name` takes when added: its own if already loaded, else the
    /// next. Readers stamp it on every feature's [`Source`].
    pub fn file_id(&self, name: &str) -> u32 {
        self.file_ids(&[name])[0]
    }

    /// [`Dataset::file_id`] for files added one after the other: a name given twice takes
    /// the same index (the second file replaces the first).
    pub fn file_ids(&self, names: &[&str]) -> Vec<u32> {
        let mut known: Vec<&str> = self.files.iter().map(|f| f.name.as_str()).collect();
        names
            .iter()
            .map(|&name| {
                let slot = known.iter().position(|&n| n == name).unwrap_or_else(|| {
                    known.push(name);
                    known.len() - 1
                });
                slot as u32
            })
            .collect()
    }

    /// Adds a file already read (for the index [`Dataset::file_id`] gives `name`, as
    /// [`Dataset::load_file`] does; the command line reads its files side by side) under
    /// `name`, replacing a file of the same name.
    pub fn put_import(
        &mut self,
        name: &str,
        import: crate::engine::io::Import,
        osm: &crate::engine::io::osm::OsmOptions,
    ) -> &LoadedFile {
        use crate::engine::io::Import;
        let slot = self.files.iter().position(|f| f.name == name);
        let loaded = match import {
            Import::Layers(layers) => LoadedFile::plain(name, layers),
            Import::Extract(import) => LoadedFile::extract(name, import, osm),
        };
        self.put(loaded, slot)
    }

    /// Reads a shapefile given as its parts (`.shp`, `.dbf`, `.prj`, `.cpg`, … by name) and adds
    /// it under `name`, replacing a file of the same name. On error the dataset is unchanged.
    pub fn load_parts(
        &mut self,
        name: &str,
        parts: Vec<(String, Vec<u8>)>,
        options: &crate::engine::io::ReadOptions,
    ) -> Result<&LoadedFile, crate::engine::io::ReadError> {
        let import = crate::engine::io::read_shapefile_parts(
            name,
            parts,
            self.file_id(name),
            options.crs.as_ref(),
        )?;
        Ok(self.put_import(name, import, &options.osm))
    }

    /// Reads `text` as GeoJSON and adds it under `name`, replacing a file of the same name.
    /// On error the dataset is unchanged.
    pub fn load(
        &mut self,
        name: &str,
        text: &str,
    ) -> Result<&LoadedFile, crate::engine::io::geojson::InputError> {
        self.put_layers(name, |file| {
            crate::engine::io::geojson::read_geojson(name, text, file)
        })
    }

    /// Adds layers made by the program (a synthetic network) under `name`, replacing a file
    /// of the same name; their sources are pointed at that file.
    pub fn add_generated(&mut self, name: &str, mut layers: Layers) -> &LoadedFile {
        let added = self.put_layers(name, |file| {
            layers.roads.iter_mut().for_each(|x| x.source.file = file);
            layers
                .facilities
                .iter_mut()
                .for_each(|x| x.source.file = file);
            layers
                .settlements
                .iter_mut()
                .for_each(|x| x.source.file = file);
            layers.admin.iter_mut().for_each(|x| x.source.file = file);
            Ok::<_, std::convert::Infallible>(layers)
        });
        match added {
            Ok(loaded) => loaded,
            Err(never) => match never {},
        }
    }

    /// Adds the layers `make` gives for the file index `name` takes (its own if already
    /// loaded, else the next), as a plain (not OpenStreetMap) file. On error the dataset is
    /// unchanged.
    fn put_layers<E>(
        &mut self,
        name: &str,
        make: impl FnOnce(u32) -> Result<Layers, E>,
    ) -> Result<&LoadedFile, E> {
        let slot = self.files.iter().position(|f| f.name == name);
        let layers = make(slot.unwrap_or(self.files.len()) as u32)?;
        Ok(self.put(LoadedFile::plain(name, layers), slot))
    }

    /// Reads an OpenStreetMap `.osm.pbf` extract and adds it under `name`, replacing a file of
    /// the same name. On error the dataset is unchanged.
    pub fn load_osm(
        &mut self,
        name: &str,
        bytes: &[u8],
        options: &crate::engine::io::osm::OsmOptions,
    ) -> Result<&LoadedFile, crate::engine::io::osm::OsmError> {
        let slot = self.files.iter().position(|f| f.name == name);
        let file_id = slot.unwrap_or(self.files.len()) as u32;
        let import = crate::engine::io::osm::read_osm_pbf(bytes, options, file_id)?;
        Ok(self.put(LoadedFile::extract(name, import, options), slot))
    }

    fn put(&mut self, mut loaded: LoadedFile, slot: Option<usize>) -> &LoadedFile {
        let l = &loaded.layers;
        if l.roads.is_empty()
            && l.facilities.is_empty()
            && l.settlements.is_empty()
            && l.admin.is_empty()
        {
            // Loaded, but nothing in it is used: say so rather than accept it silently.
            let note = format!(
                "{}: no feature of it is used ({} skipped): no road, facility, settlement or admin unit was recognised",
                loaded.name,
                l.skipped.len()
            );
            loaded.layers.notes.push(note);
        }
        let idx = match slot {
            Some(i) => {
                self.files[i] = loaded;
                i
            }
            None => {
                self.files.push(loaded);
                self.files.len() - 1
            }
        };
        // Edits made on the data before may name features this file no longer has: then they
        // are set aside, and the file says so, rather than applied in part.
        if !self.edits.is_empty() {
            let (mut layers, _) = self.base_layers_and_warnings();
            if let Err(e) =
                crate::engine::edits::apply(&mut layers, &self.loaded_names(), &self.edits)
            {
                self.edits.clear();
                let note = format!(
                    "{}: the plan's edits no longer apply to the data loaded ({e}); they were set aside",
                    self.files[idx].name
                );
                self.files[idx].layers.notes.push(note);
            }
        }
        &self.files[idx]
    }

    /// The what-if edits applied over the files' layers.
    pub fn edits(&self) -> &[crate::engine::edits::Edit] {
        &self.edits
    }

    /// Applies `edits` over the files' layers from now on (replacing those before), once they
    /// are checked to apply ([`crate::engine::edits::apply`]); on error nothing changes.
    pub fn set_edits(
        &mut self,
        edits: Vec<crate::engine::edits::Edit>,
    ) -> Result<(), crate::engine::edits::EditError> {
        let (mut layers, _) = self.base_layers_and_warnings();
        crate::engine::edits::apply(&mut layers, &self.loaded_names(), &edits)?;
        self.edits = edits;
        Ok(())
    }

    /// The loaded files' names, indexed by [`Source::file`].
    fn loaded_names(&self) -> Vec<String> {
        self.files.iter().map(|f| f.name.clone()).collect()
    }

    /// The names the features' [`Source::file`] index: the loaded files', then the plan's
    /// ([`crate::engine::edits::PLAN_FILE`]) when edits add facilities.
    pub fn file_names(&self) -> Vec<String> {
        let mut names = self.loaded_names();
        if self
            .edits
            .iter()
            .any(|e| matches!(e, crate::engine::edits::Edit::AddFacility { .. }))
        {
            names.push(crate::engine::edits::PLAN_FILE.to_string());
        }
        names
    }

    /// Which layers the user's own GeoJSON files bring. Each replaces the same layer of any
    /// OpenStreetMap extract.
    fn user_layers(&self) -> Kept {
        let mut k = Kept {
            roads: false,
            facilities: false,
            settlements: false,
            admin: false,
        };
        for f in self.files.iter().filter(|f| !f.osm) {
            let l = &f.layers;
            k.roads |= !l.roads.is_empty();
            k.facilities |= !l.facilities.is_empty();
            k.settlements |= !l.settlements.is_empty();
            k.admin |= !l.admin.is_empty();
        }
        k
    }

    /// Admin units with a population from the user's own files, when their populations are
    /// to be spread over an extract's buildings: the user brought no settlements and some
    /// extract has buildings. Empty otherwise.
    fn user_admin_to_spread(&self) -> Vec<AdminUnit> {
        if self.user_layers().settlements || self.files.iter().all(|f| f.buildings.is_empty()) {
            return Vec::new();
        }
        let units: Vec<AdminUnit> = self
            .files
            .iter()
            .filter(|f| !f.osm)
            .flat_map(|f| f.layers.admin.iter().cloned())
            .collect();
        if units.iter().any(|u| u.population.is_some()) {
            units
        } else {
            Vec::new()
        }
    }

    /// Every layer of every file, concatenated in load order. A layer the user loaded from
    /// GeoJSON (roads, facilities, settlements or admin units) replaces that layer of every
    /// OpenStreetMap extract; when the user brings admin units with a population but no
    /// settlements, an extract's residents are re-estimated from its buildings with those
    /// populations spread over them.
    pub fn layers(&self) -> Layers {
        self.layers_and_warnings().0
    }

    /// [`Dataset::layers`], and the extracts' warnings that still apply with the user's
    /// layers in place, in one pass (an extract's building estimate is made once for both).
    /// The edits ([`Dataset::set_edits`]) are applied over them.
    pub fn layers_and_warnings(&self) -> (Layers, Vec<ExtractWarning>) {
        let (mut layers, warnings) = self.base_layers_and_warnings();
        if !self.edits.is_empty() {
            // Checked when set and again at every load: they apply.
            let _ = crate::engine::edits::apply(&mut layers, &self.loaded_names(), &self.edits);
        }
        (layers, warnings)
    }

    /// The layers before the edits: the files' own.
    pub fn base_layers(&self) -> Layers {
        self.base_layers_and_warnings().0
    }

    /// [`Dataset::layers_and_warnings`] without the edits.
    pub fn base_layers_and_warnings(&self) -> (Layers, Vec<ExtractWarning>) {
        let user = self.user_layers();
        let spread_over = self.user_admin_to_spread();
        let mut all = Layers::default();
        // Per extract whose residents were re-estimated: the units spread over its buildings.
        let mut units_spread = vec![None; self.files.len()];
        for (i, f) in self.files.iter().enumerate() {
            if !f.osm {
                all.append(&f.layers, Kept::ALL);
                continue;
            }
            let keep = Kept {
                roads: !user.roads,
                facilities: !user.facilities,
                settlements: !user.settlements && spread_over.is_empty(),
                admin: !user.admin,
            };
            all.append(&f.layers, keep);
            if !spread_over.is_empty() && !f.buildings.is_empty() {
                let estimate = crate::engine::io::osm::estimate_residents(
                    &f.buildings,
                    &spread_over,
                    f.floor_m2_per_person,
                );
                units_spread[i] = Some(estimate.units_spread);
                all.settlements.extend(estimate.settlements);
                all.notes.extend(estimate.notes);
            }
        }
        let warnings = self.extract_warnings(user, &units_spread);
        (all, warnings)
    }

    /// How many features of each layer are in use (see [`Dataset::layers`] for which layers
    /// of an extract drop out), and how many were skipped.
    pub fn counts(&self) -> LayerCounts {
        let user = self.user_layers();
        let spread = !self.user_admin_to_spread().is_empty();
        let mut n = LayerCounts::default();
        for f in &self.files {
            let l = &f.layers;
            let own = !f.osm;
            n.roads += if own || !user.roads { l.roads.len() } else { 0 };
            n.facilities += if own || !user.facilities {
                l.facilities.len()
            } else {
                0
            };
            n.admin += if own || !user.admin { l.admin.len() } else { 0 };
            n.skipped += l.skipped.len();
            if !own && spread {
                continue;
            }
            n.settlements += if own || !user.settlements {
                l.settlements.len()
            } else {
                0
            };
        }
        if spread {
            n.settlements = self.layers().settlements.len();
        }
        n
    }

    /// Whether the settlements in use are estimates (from an extract's buildings).
    pub fn population_estimated(&self) -> bool {
        !self.user_layers().settlements
            && (self.files.iter().any(|f| f.population_estimated)
                || !self.user_admin_to_spread().is_empty())
    }

    /// Where the residents come from, when an extract is loaded (`None` without one).
    pub fn population_origin(&self) -> Option<PopulationOrigin> {
        let extract = self.files.iter().find_map(|f| f.extract.as_ref())?;
        Some(if self.user_layers().settlements {
            PopulationOrigin::UserSettlements
        } else if !self.user_admin_to_spread().is_empty() {
            PopulationOrigin::BuildingsInUserAdmin
        } else {
            PopulationOrigin::Extract(extract.population_source)
        })
    }

    /// The extracts' warnings that still apply with the user's layers in place, each with
    /// its file's name: about residents first (none when the user brings settlements; the
    /// estimate when the user's admin populations were spread over an extract's buildings, with
    /// `units_spread[i]` units for file `i`), then about facilities (none when the user brings
    /// facilities).
    fn extract_warnings(&self, user: Kept, units_spread: &[Option<usize>]) -> Vec<ExtractWarning> {
        let mut out = Vec::new();
        for (f, spread) in self.files.iter().zip(units_spread) {
            let Some(extract) = &f.extract else {
                continue;
            };
            let about_facilities = |w: &&OsmWarning| {
                matches!(
                    w,
                    OsmWarning::NoFacility | OsmWarning::NoServicePoint { .. }
                )
            };
            let mut warnings: Vec<OsmWarning> = Vec::new();
            if user.settlements {
            } else if let Some(units_spread) = *spread {
                warnings.push(OsmWarning::PopulationEstimated {
                    buildings: f.buildings.len(),
                    floor_m2_per_person: f.floor_m2_per_person,
                    units_spread,
                });
            } else {
                let about_population = extract.warnings.iter().filter(|w| !about_facilities(w));
                warnings.extend(about_population.cloned());
            }
            if !user.facilities {
                let facilities = extract.warnings.iter().filter(about_facilities);
                warnings.extend(facilities.cloned());
            }
            out.extend(warnings.into_iter().map(|warning| ExtractWarning {
                file: f.name.clone(),
                warning,
            }));
        }
        out
    }

    /// The OpenStreetMap element behind a feature, when it comes from an extract.
    pub fn osm_element(&self, source: Source) -> Option<&OsmRef> {
        let extract = self.files.get(source.file as usize)?.extract.as_ref()?;
        extract.elements.get(source.feature as usize)
    }

    /// The name of the file a source points into.
    pub fn file_name(&self, source: Source) -> &str {
        self.files
            .get(source.file as usize)
            .map(|f| f.name.as_str())
            .unwrap_or("?")
    }
}
