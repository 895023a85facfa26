//! Explorer state: Action enum, App::update, histories, the matrix.
