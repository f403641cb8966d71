# -*- encoding: utf-8 -*-
# stub: bundler 2.3.7 ruby lib

Gem::Specification.new do |s|
  s.name = "bundler".freeze
  s.version = "2.3.7"

  s.required_rubygems_version = Gem::Requirement.new(">= 2.5.2".freeze) if s.respond_to? :required_rubygems_version=
  s.require_paths = ["lib".freeze]
  s.authors = ["Andr\u00E9 Arko".freeze, "Samuel Giddins".freeze]
  s.bindir = "exe".freeze
  s.date = "2022-02-09"
  s.executables = ["bundle".freeze, "bundler".freeze]
  s.files = ["bundler/lib/bundler.rb".freeze]
  s.homepage = "https://bundler.io".freeze
  s.licenses = ["MIT".freeze]
  s.required_ruby_version = Gem::Requirement.new(">= 2.3.0".freeze)
  s.rubygems_version = "3.3.7".freeze
  s.summary = "The best way to manage your application's dependencies".freeze
end
